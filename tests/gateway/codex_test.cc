// Codex itself (npm @openai/codex, installed in tests/sdk) pointed at `llmgw serve` in
// front of a mock that serves the Responses API, as a team would set it up: a model
// provider in Codex's config.toml whose base URL is llmgw and whose key is a gateway key.
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

}  // namespace

TEST_CASE("Codex answers through llmgw with a gateway key, every request billed with its "
          "cached input") {
  REQUIRE_MESSAGE(::access(k_codex.c_str(), X_OK) == 0,
                  "Codex is not installed: run `npm ci --prefix tests/sdk`");
  const std::string isolated = isolate_network();
  REQUIRE_MESSAGE(isolated.empty(), "cannot isolate the network: ", isolated);
  GatewayUnderTest gw;  // alpha serves the Responses API
  answer_as_openai(gw.alpha);
  TestKey key = gw.create_key({"--allow-model", "premium", "--limit", "5"});
  gw.start();
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
  const Result codex =
      run({k_codex, "exec", "--skip-git-repo-check", "--cd", home.path(), "Say hello"}, options);
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
