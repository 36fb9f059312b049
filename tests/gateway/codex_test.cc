// Codex itself (npm @openai/codex, installed in tests/sdk) pointed at `llmgw serve` in
// front of a mock that serves the Responses API, and in front of one that serves chat
// alone (Codex's requests translated), as a team would set it up: a model provider in
// Codex's config.toml whose base URL is llmgw and whose key is a gateway key.
// The test first moves into a network namespace of its own, so the agent can reach nothing
// but loopback; its config also turns off web search (a tool billed per use, which a key
// with a spending limit is refused) and plugins.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/network_namespace.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace test;

namespace {

const std::string k_codex = std::string(LLMGW_SOURCE_DIR) + "/tests/sdk/node_modules/.bin/codex";
const std::string k_answer = "Hello from the mock.";

// Every Responses request is answered with k_answer as a stream, and a usage that reads
// 4,096 of its 5,000 prompt tokens from the cache.
void answer_as_openai(MockUpstream& upstream) {
  const nlohmann::json item = {{"id", "msg_1"},
                               {"type", "message"},
                               {"status", "completed"},
                               {"role", "assistant"},
                               {"content", {{{"type", "output_text"}, {"text", k_answer},
                                             {"annotations", nlohmann::json::array()}}}}};
  nlohmann::json response = {{"id", "resp_1"},       {"object", "response"},
                             {"created_at", 1700000000}, {"status", "in_progress"},
                             {"model", "premium-upstream"}, {"output", nlohmann::json::array()},
                             {"usage", nullptr}};
  const std::string created =
      named_sse("response.created", {{"type", "response.created"}, {"response", response}});
  response["status"] = "completed";
  response["output"] = {item};
  response["usage"] = {{"input_tokens", 5000},
                       {"input_tokens_details", {{"cached_tokens", 4096}}},
                       {"output_tokens", 9},
                       {"output_tokens_details", {{"reasoning_tokens", 0}}},
                       {"total_tokens", 5009}};
  upstream.stream_sse(
      "POST", "/v1/responses",
      {created,
       named_sse("response.output_item.added",
                 {{"type", "response.output_item.added"}, {"output_index", 0},
                  {"item", {{"id", "msg_1"}, {"type", "message"}, {"role", "assistant"},
                            {"content", nlohmann::json::array()}}}}),
       named_sse("response.output_text.delta",
                 {{"type", "response.output_text.delta"}, {"item_id", "msg_1"},
                  {"output_index", 0}, {"content_index", 0}, {"delta", k_answer}}),
       named_sse("response.output_item.done",
                 {{"type", "response.output_item.done"}, {"output_index", 0}, {"item", item}}),
       named_sse("response.completed", {{"type", "response.completed"}, {"response", response}})},
      std::chrono::milliseconds(1));
}

// Runs `codex exec "Say hello"` against `gw` with `key`, as configured in config.toml.
Result run_codex(GatewayUnderTest& gw, const TestKey& key) {
  TempDir home;
  const std::string codex_home = home.file(".codex");
  REQUIRE(::mkdir(codex_home.c_str(), 0700) == 0);
  write_file(codex_home + "/config.toml",
             "model = \"premium\"\n"
             "model_provider = \"llmgw\"\n"
             "web_search = \"disabled\"\n"
             "[features]\n"
             "plugins = false\n"
             "[model_providers.llmgw]\n"
             "name = \"llmgw\"\n"
             "base_url = \"http://127.0.0.1:" +
                 std::to_string(gw.port()) +
                 "/v1\"\n"
                 "env_key = \"LLMGW_KEY\"\n"
                 "wire_api = \"responses\"\n");
  RunOptions options;
  options.env = {{"HOME", home.path()}, {"CODEX_HOME", codex_home}, {"LLMGW_KEY", key.secret}};
  options.unset_env = {"OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_API_KEY"};
  options.timeout_seconds = 60;
  return run({k_codex, "exec", "--skip-git-repo-check", "--cd", home.path(), "Say hello"},
             options);
}

// Codex and the network: installed, and loopback alone reachable.
void prepare_codex() {
  REQUIRE_MESSAGE(::access(k_codex.c_str(), X_OK) == 0,
                  "Codex is not installed: run `npm ci --prefix tests/sdk`");
  const std::string isolated = isolate_network();
  REQUIRE_MESSAGE(isolated.empty(), "cannot isolate the network: ", isolated);
}

}  // namespace

TEST_CASE("Codex answers through llmgw with a gateway key, every request billed with its "
          "cached input") {
  prepare_codex();
  GatewayUnderTest gw;  // alpha serves the Responses API
  answer_as_openai(gw.alpha);
  TestKey key = gw.create_key({"--allow-model", "premium", "--limit", "5"});
  gw.start();
  const Result codex = run_codex(gw, key);
  INFO("codex stderr: ", mask_secrets(codex.err));
  CHECK(codex.exit_code == 0);
  CHECK(codex.out == k_answer + "\n");
  // 904 uncached prompt tokens at 10 USD per 1M, 4,096 cache reads at 5, 9 output at 30.
  const std::int64_t cost = cost_of(k_premium, {5000, 9, 4096});
  const nlohmann::json rows =
      gw.log_rows("status, prompt_tokens, cached_tokens, completion_tokens, cost, estimated");
  REQUIRE(rows.size() >= 1);
  for (const nlohmann::json& row : rows) {
    CHECK(row == nlohmann::json{{"status", 200}, {"prompt_tokens", 5000}, {"cached_tokens", 4096},
                                {"completion_tokens", 9}, {"cost", cost}, {"estimated", 0}});
  }
  CHECK(gw.usage_of(key.id) == cost * static_cast<std::int64_t>(rows.size()));
  // What Codex sent went on as it was, but for the model.
  const auto sent = gw.alpha.requests();
  REQUIRE(!sent.empty());
  CHECK(nlohmann::json::parse(sent[0].body)["model"] == "premium-upstream");
}

TEST_CASE("Codex answers through llmgw from a provider without the Responses API, its "
          "requests translated to chat and billed from the chat usage") {
  prepare_codex();
  GatewayUnderTest gw;
  gw.alpha.stream_sse(
      "POST", "/v1/chat/completions",
      {sse({{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"model", "premium-upstream"},
            {"choices", {{{"index", 0}, {"delta", {{"role", "assistant"}, {"content", k_answer}}},
                          {"finish_reason", nullptr}}}}}),
       sse({{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"model", "premium-upstream"},
            {"choices", {{{"index", 0}, {"delta", nlohmann::json::object()},
                          {"finish_reason", "stop"}}}}}),
       sse({{"id", "chatcmpl-1"}, {"choices", nlohmann::json::array()},
            {"usage", {{"prompt_tokens", 5000}, {"completion_tokens", 9},
                       {"prompt_tokens_details", {{"cached_tokens", 4096}}}}}}),
       "data: [DONE]\n\n"},
      std::chrono::milliseconds(1));
  TestKey key = gw.create_key({"--allow-model", "premium", "--limit", "5"});
  gw.start();
  gw.cli({"provider", "set", "alpha", "--no-responses"});
  const Result codex = run_codex(gw, key);
  INFO("codex stderr: ", mask_secrets(codex.err));
  CHECK(codex.exit_code == 0);
  CHECK(codex.out == k_answer + "\n");
  const std::int64_t cost = cost_of(k_premium, {5000, 9, 4096});
  const nlohmann::json rows = gw.log_rows("status, cost, estimated");
  REQUIRE(rows.size() >= 1);
  for (const nlohmann::json& row : rows) {
    CHECK(row == nlohmann::json{{"status", 200}, {"cost", cost}, {"estimated", 0}});
  }
  // Codex's agent tools went on as chat functions, its namespaced ones named after both.
  const auto sent = gw.alpha.requests();
  REQUIRE(!sent.empty());
  CHECK(sent[0].path == "/v1/chat/completions");
  const nlohmann::json chat = nlohmann::json::parse(sent[0].body);
  CHECK(chat["messages"][0]["role"] == "system");
  bool namespaced = false;
  for (const nlohmann::json& tool : chat["tools"]) {
    CHECK(tool["type"] == "function");
    namespaced = namespaced || tool["function"]["name"].get<std::string>().find("__") !=
                                   std::string::npos;
  }
  CHECK(namespaced);
}
