// Claude Code itself (npm @anthropic-ai/claude-code, installed in tests/sdk) pointed at
// `llmgw serve` in front of an Anthropic-kind mock, as a team would set it up: the base
// URL and a gateway key, as ANTHROPIC_API_KEY (sent in x-api-key) and as
// ANTHROPIC_AUTH_TOKEN (sent as a Bearer token). The test first moves into a network
// namespace of its own, so the agent can reach nothing but loopback.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/network_namespace.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <unistd.h>

using namespace test;

namespace {

const std::string k_claude = std::string(LLMGW_SOURCE_DIR) + "/tests/sdk/node_modules/.bin/claude";
const std::string k_answer = "Hello from the mock.";

// Every Messages request is answered with k_answer, streamed or whole, and a usage that
// reads 3,400 prompt tokens from the cache and writes 1,200 to it.
void answer_as_claude(MockUpstream& upstream) {
  const nlohmann::json usage = {{"input_tokens", 5},
                                {"cache_creation_input_tokens", 1200},
                                {"cache_read_input_tokens", 3400},
                                {"output_tokens", 9}};
  nlohmann::json message = {{"id", "msg_01"},
                            {"type", "message"},
                            {"role", "assistant"},
                            {"model", "premium-upstream"},
                            {"content", {{{"type", "text"}, {"text", k_answer}}}},
                            {"stop_reason", "end_turn"},
                            {"stop_sequence", nullptr},
                            {"usage", usage}};
  const std::string whole = message.dump();
  message["content"] = nlohmann::json::array();
  message["stop_reason"] = nullptr;
  message["usage"]["output_tokens"] = 1;
  answer_messages(
      upstream, whole,
      named_sse("message_start", {{"type", "message_start"}, {"message", message}}) +
          named_sse("content_block_start",
                    {{"type", "content_block_start"}, {"index", 0},
                     {"content_block", {{"type", "text"}, {"text", ""}}}}) +
          named_sse("content_block_delta",
                    {{"type", "content_block_delta"}, {"index", 0},
                     {"delta", {{"type", "text_delta"}, {"text", k_answer}}}}) +
          named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}) +
          named_sse("message_delta", {{"type", "message_delta"},
                                      {"delta", {{"stop_reason", "end_turn"},
                                                 {"stop_sequence", nullptr}}},
                                      {"usage", {{"output_tokens", 9}}}}) +
          named_sse("message_stop", {{"type", "message_stop"}}));
}

// `claude -p <prompt>` with the gateway as its API, every model it picks set to premium,
// telemetry and other traffic off, the key under `key_variable`.
Result run_claude(const GatewayUnderTest& gw, const TempDir& home, const std::string& key_variable,
                  const TestKey& key) {
  RunOptions options;
  options.env = {{"HOME", home.path()},
                 {"ANTHROPIC_BASE_URL", "http://127.0.0.1:" + std::to_string(gw.port())},
                 {key_variable, key.secret},
                 {"ANTHROPIC_MODEL", "premium"},
                 {"ANTHROPIC_SMALL_FAST_MODEL", "premium"},
                 {"ANTHROPIC_DEFAULT_HAIKU_MODEL", "premium"},
                 {"ANTHROPIC_DEFAULT_SONNET_MODEL", "premium"},
                 {"ANTHROPIC_DEFAULT_OPUS_MODEL", "premium"},
                 {"DISABLE_TELEMETRY", "1"},
                 {"DISABLE_ERROR_REPORTING", "1"},
                 {"DISABLE_AUTOUPDATER", "1"},
                 {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"}};
  options.unset_env = {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"};
  options.unset_env.erase(std::remove(options.unset_env.begin(), options.unset_env.end(),
                                      key_variable),
                          options.unset_env.end());
  options.timeout_seconds = 60;
  return run({k_claude, "-p", "Say hello"}, options);
}

}  // namespace

TEST_CASE("Claude Code answers through llmgw with the key as ANTHROPIC_API_KEY and as "
          "ANTHROPIC_AUTH_TOKEN, its cache reads and writes billed at their prices") {
  REQUIRE_MESSAGE(::access(k_claude.c_str(), X_OK) == 0,
                  "Claude Code is not installed: run `npm ci --prefix tests/sdk`");
  const std::string isolated = isolate_network();
  REQUIRE_MESSAGE(isolated.empty(), "cannot isolate the network: ", isolated);
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  answer_as_claude(gw.alpha);
  // A key for Claude models only: here premium, the one the mock serves.
  TestKey key = gw.create_key({"--allow-model", "premium", "--limit", "5"});
  gw.start();
  TempDir home;
  for (const char* variable : {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"}) {
    CAPTURE(variable);
    const Result claude = run_claude(gw, home, variable, key);
    INFO("claude stderr: ", mask_secrets(claude.err));
    CHECK(claude.exit_code == 0);
    CHECK(claude.out == k_answer + "\n");
  }
  // Every request it made was served and billed exactly: 5 uncached prompt tokens at 10
  // USD per 1M, 3,400 cache reads at 5, 1,200 cache writes at 12.5 (1.25 times the input
  // price), 9 output tokens at 30.
  const std::int64_t cost = std::int64_t{5} * 10'000'000 + std::int64_t{3400} * 5'000'000 +
                            std::int64_t{1200} * 12'500'000 + std::int64_t{9} * 30'000'000;
  const nlohmann::json rows = gw.log_rows(
      "status, prompt_tokens, cached_tokens, cache_write_5m_tokens, cost, estimated");
  REQUIRE(rows.size() >= 2);
  for (const nlohmann::json& row : rows) {
    CHECK(row == nlohmann::json{{"status", 200}, {"prompt_tokens", 4605}, {"cached_tokens", 3400},
                                {"cache_write_5m_tokens", 1200}, {"cost", cost},
                                {"estimated", 0}});
  }
  CHECK(gw.usage_of(key.id) == cost * static_cast<std::int64_t>(rows.size()));
}

TEST_CASE("Claude Code answers through llmgw from an OpenAI-kind provider, its requests "
          "translated to chat completions and billed from the chat usage") {
  REQUIRE_MESSAGE(::access(k_claude.c_str(), X_OK) == 0,
                  "Claude Code is not installed: run `npm ci --prefix tests/sdk`");
  const std::string isolated = isolate_network();
  REQUIRE_MESSAGE(isolated.empty(), "cannot isolate the network: ", isolated);
  GatewayUnderTest gw;  // alpha speaks the chat API
  const TokenCounts usage{4000, 9, 3072};
  gw.alpha.handle("POST", "/v1/chat/completions",
                  [usage](const httplib::Request& request, httplib::Response& response) {
                    if (request.body.find(R"("stream":true)") == std::string::npos) {
                      response.set_content(completion_json("premium-upstream", k_answer, usage),
                                           "application/json");
                      return;
                    }
                    response.set_content(
                        sse(content_chunk("premium-upstream", k_answer)) +
                            sse({{"id", "chatcmpl-upstream"}, {"model", "premium-upstream"},
                                 {"choices", {{{"index", 0}, {"delta", nlohmann::json::object()},
                                               {"finish_reason", "stop"}}}}}) +
                            sse(usage_chunk("premium-upstream", usage)) + k_sse_done,
                        "text/event-stream");
                  });
  TestKey key = gw.create_key({"--allow-model", "premium", "--limit", "5"});
  gw.start();
  TempDir home;
  const Result claude = run_claude(gw, home, "ANTHROPIC_AUTH_TOKEN", key);
  INFO("claude stderr: ", mask_secrets(claude.err));
  CHECK(claude.exit_code == 0);
  CHECK(claude.out == k_answer + "\n");
  const nlohmann::json rows =
      gw.log_rows("status, error_code, prompt_tokens, cached_tokens, cost, estimated");
  REQUIRE(rows.size() >= 1);
  for (const nlohmann::json& row : rows) {
    CHECK(row == nlohmann::json{{"status", 200}, {"error_code", ""}, {"prompt_tokens", 4000},
                                {"cached_tokens", 3072}, {"cost", cost_of(k_premium, usage)},
                                {"estimated", 0}});
  }
}
