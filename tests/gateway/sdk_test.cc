// The gateway driven by the official OpenAI Node SDK (tests/sdk/sdk_test.mjs): a chat
// completion, a stream read with `for await`, responses.create() whole and streamed,
// models.list(), and a 403 and a 404 the SDK surfaces with the gateway's message. And by the official Anthropic Node SDK
// (tests/sdk/anthropic_sdk_test.mjs): messages, the stream helper, tool use, countTokens,
// and the 403, 401 and 402 as the SDK's error classes.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/process.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace test;

namespace {

const std::string k_sdk_dir = std::string(LLMGW_SOURCE_DIR) + "/tests/sdk";

bool executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

// /usr/bin/node, else the first `node` on $PATH; "" when there is none.
std::string find_node() {
  if (executable("/usr/bin/node")) {
    return "/usr/bin/node";
  }
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path == nullptr ? "" : path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && executable(dir + "/node")) {
      return dir + "/node";
    }
  }
  return "";
}

// Runs `script` with node, in the environment `env`; checks it printed `summary`.
void run_sdk_script(const std::string& script, std::map<std::string, std::string> env,
                    const std::string& summary) {
  std::string node = find_node();
  REQUIRE_MESSAGE(!node.empty(), "node is not installed: the SDK test needs Node.js 18 or later");
  RunOptions options;
  options.env = std::move(env);
  options.timeout_seconds = 60;
  Result sdk = run({node, k_sdk_dir + "/" + script}, options);
  INFO("node stderr: ", mask_secrets(sdk.err));
  CHECK(sdk.exit_code == 0);
  CHECK(mask_secrets(sdk.out) == summary);
}

// An Anthropic upstream that calls the tool `ls` with {"path": "."}: whole, or streamed
// with the input in three pieces.
void answer_with_tool_call(MockUpstream& upstream) {
  const nlohmann::json tool_use = {{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "ls"}};
  nlohmann::json message = {{"id", "msg_1"},          {"type", "message"},
                            {"role", "assistant"},    {"model", "premium-upstream"},
                            {"content", nlohmann::json::array()},
                            {"stop_reason", nullptr}, {"stop_sequence", nullptr},
                            {"usage", {{"input_tokens", 12}, {"output_tokens", 1}}}};
  std::string events = named_sse("message_start", {{"type", "message_start"}, {"message", message}});
  nlohmann::json block = tool_use;
  block["input"] = nlohmann::json::object();
  events += named_sse("content_block_start",
                      {{"type", "content_block_start"}, {"index", 0}, {"content_block", block}});
  for (const char* piece : {R"({"pa)", R"(th": )", R"("."})"}) {
    events += named_sse("content_block_delta",
                        {{"type", "content_block_delta"}, {"index", 0},
                         {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}});
  }
  events += named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}) +
            named_sse("message_delta", {{"type", "message_delta"},
                                        {"delta", {{"stop_reason", "tool_use"},
                                                   {"stop_sequence", nullptr}}},
                                        {"usage", {{"output_tokens", 17}}}}) +
            named_sse("message_stop", {{"type", "message_stop"}});
  block["input"] = {{"path", "."}};
  message["content"] = nlohmann::json::array({block});
  message["stop_reason"] = "tool_use";
  message["usage"]["output_tokens"] = 17;
  answer_messages(upstream, message.dump(), events);
  upstream.answer_json("POST", "/v1/messages/count_tokens", 200, R"({"input_tokens":2095})");
}

}  // namespace

TEST_CASE("the official Anthropic Node SDK: messages, stream helper, tool use, countTokens, "
          "403, 401 and 402") {
  REQUIRE_MESSAGE(
      ::access((k_sdk_dir + "/node_modules/@anthropic-ai/sdk/package.json").c_str(), R_OK) == 0,
      "the Anthropic SDK is not installed: run `npm ci --prefix tests/sdk`");
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  answer_with_tool_call(gw.alpha);
  TestKey allowed = gw.create_key({"--allow-model", "echo", "--allow-model", "premium"});
  TestKey denied = gw.create_key({"--deny-model", "echo"});
  TestKey spent = gw.create_key({"--limit", "0"});
  gw.start();
  run_sdk_script("anthropic_sdk_test.mjs",
                 {{"LLMGW_URL", "http://127.0.0.1:" + std::to_string(gw.port())},
                  {"LLMGW_KEY", allowed.secret},
                  {"LLMGW_DENIED_KEY", denied.secret},
                  {"LLMGW_SPENT_KEY", spent.secret}},
                 "anthropic sdk: 7 passed, 0 failed\n");
  // Both tool calls billed exactly: 12 input and 17 output tokens at premium's prices
  // (10 and 30 USD per 1M tokens).
  CHECK(gw.query_int("SELECT count(*) FROM request_log WHERE served_model = 'premium' AND "
                     "status = 200 AND cost = 630000000 AND estimated = 0") == 2);
}

TEST_CASE("the official OpenAI Node SDK: completion, stream, responses, models.list, a 403 and "
          "a 404") {
  REQUIRE_MESSAGE(::access((k_sdk_dir + "/node_modules/openai/package.json").c_str(), R_OK) == 0,
                  "the OpenAI SDK is not installed: run `npm ci --prefix tests/sdk`");
  GatewayUnderTest gw;
  TestKey allowed = gw.create_key({"--allow-model", "echo"});
  TestKey denied = gw.create_key({"--deny-model", "echo"});
  gw.start();
  run_sdk_script("sdk_test.mjs",
                 {{"LLMGW_URL", "http://127.0.0.1:" + std::to_string(gw.port())},
                  {"LLMGW_KEY", allowed.secret},
                  {"LLMGW_DENIED_KEY", denied.secret}},
                 "sdk: 8 passed, 0 failed\n");
}
