// POST /v1/messages, Anthropic's Messages API, passed through to an Anthropic-kind provider
// (alpha here): the body goes on with only its model replaced, the answer and every event
// come back byte for byte, and the usage (cache reads and writes included) is billed
// exactly. Errors on this route take Anthropic's envelope. How streams that end oddly are
// billed is in messages_billing_test.cc.
#include "tests/gateway/messages_fixture.h"

#include <doctest/doctest.h>

using namespace test;

TEST_CASE("messages: a whole answer passes through byte for byte, billed with its cache "
          "reads and writes") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  const std::string answer =
      R"({"id":"msg_01","type":"message","role":"assistant","model":"premium-upstream",)"
      R"("content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn",)"
      R"("stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":1000,)"
      R"("cache_read_input_tokens":3000,"cache_creation":{"ephemeral_5m_input_tokens":600,)"
      R"("ephemeral_1h_input_tokens":400},"output_tokens":50}})";
  gw.alpha.answer_json("POST", k_upstream_path, 200, answer);
  TestKey key = gw.create_key();
  gw.start();
  httplib::Headers headers = api_key(key);
  headers.emplace("anthropic-beta", "prompt-caching-2024-07-31");
  headers.emplace("anthropic-beta", "extended-cache-ttl-2025-04-11");
  auto result = gw.client().Post("/v1/messages?beta=true", headers, messages_request("premium"),
                                 "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->body == answer);

  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].path == "/v1/messages");
  std::string expected_body = messages_request("premium-upstream");
  CHECK(sent[0].body == expected_body);
  CHECK(sent[0].header("x-api-key") == k_alpha_credential);
  CHECK(sent[0].header("anthropic-version") == "2023-06-01");
  CHECK(sent[0].header("anthropic-beta") ==
        "prompt-caching-2024-07-31,extended-cache-ttl-2025-04-11");
  CHECK(sent[0].header("Authorization") == "");

  const std::int64_t cost =
      20 * k_input + 3000 * k_read + 600 * k_write_5m + 400 * k_write_1h + 50 * k_output;
  CHECK(gw.log_rows(k_log_columns) ==
        nlohmann::json::array({log_row(200, "", 4020, 50, 3000, 600, 400, cost, 0, 0)}));
  CHECK(gw.usage_of(key.id) == cost);
  // /v1/key and /metrics show the parts of the prompt.
  CHECK(gw.get("/v1/key", api_key(key)).body["tokens"] ==
        nlohmann::json{{"prompt", 4020}, {"completion", 50}, {"cached", 3000},
                       {"cache_write", 1000}, {"reasoning", 0}});
  auto metrics = gw.client().Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find(
            "llmgw_tokens_total{provider=\"alpha\",model=\"premium\",type=\"cached\"} 3000\n"
            "llmgw_tokens_total{provider=\"alpha\",model=\"premium\",type=\"cache_write\"} "
            "1000\n") !=
        std::string::npos);
}

TEST_CASE("messages: a stream passes through event by event, billed from message_start and "
          "the last message_delta") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  const nlohmann::json start_usage = {{"input_tokens", 30},
                                      {"cache_creation_input_tokens", 2000},
                                      {"cache_read_input_tokens", 5000},
                                      {"output_tokens", 1}};
  // Thinking with its signature, text, and a tool call whose input arrives in pieces.
  const std::vector<std::string> events = {
      named_sse("message_start", message_start(start_usage)),
      named_sse("ping", {{"type", "ping"}}),
      named_sse("content_block_start",
            {{"type", "content_block_start"}, {"index", 0},
             {"content_block", {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}}}),
      named_sse("content_block_delta",
            block_delta(0, {{"type", "thinking_delta"}, {"thinking", "The user wants hi."}})),
      named_sse("content_block_delta",
            block_delta(0, {{"type", "signature_delta"}, {"signature", "EqQBCgIYAhIM"}})),
      named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}),
      named_sse("content_block_start",
            {{"type", "content_block_start"}, {"index", 1},
             {"content_block", {{"type", "text"}, {"text", ""}}}}),
      named_sse("content_block_delta", block_delta(1, {{"type", "text_delta"}, {"text", "Hi."}})),
      named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 1}}),
      named_sse("content_block_start",
            {{"type", "content_block_start"}, {"index", 2},
             {"content_block",
              {{"type", "tool_use"}, {"id", "toolu_01"}, {"name", "ls"},
               {"input", nlohmann::json::object()}}}}),
      named_sse("content_block_delta",
            block_delta(2, {{"type", "input_json_delta"}, {"partial_json", R"({"pa)"}})),
      named_sse("content_block_delta",
            block_delta(2, {{"type", "input_json_delta"}, {"partial_json", R"(th": ".")"}})),
      named_sse("content_block_delta",
            block_delta(2, {{"type", "input_json_delta"}, {"partial_json", "}"}})),
      named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 2}}),
      named_sse("message_delta", {{"type", "message_delta"},
                              {"delta", {{"stop_reason", "tool_use"}, {"stop_sequence", nullptr}}},
                              {"usage", {{"output_tokens", 87}}}}),
      named_sse("message_stop", {{"type", "message_stop"}}),
  };
  // Events split across pieces, as a network delivers them.
  const std::string all = joined(events);
  std::vector<std::string> pieces;
  for (std::size_t at = 0; at < all.size(); at += 97) {
    pieces.push_back(all.substr(at, 97));
  }
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(2));
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  const Streamed streamed = stream_messages(gw, api_key(key), messages_request("premium", true),
                                            "/v1/messages?beta=true");
  CHECK(streamed.status == 200);
  CHECK(streamed.content_type == "text/event-stream");
  CHECK(streamed.received == all);
  CHECK(streamed.rows_at_end == 1);  // committed before the client sees message_stop
  const std::int64_t cost = 30 * k_input + 5000 * k_read + 2000 * k_write_5m + 87 * k_output;
  CHECK(gw.log_rows(k_log_columns) ==
        nlohmann::json::array({log_row(200, "", 7030, 87, 5000, 2000, 0, cost, 0, 1)}));
  CHECK(gw.usage_of(key.id) == cost);
  CHECK(gw.query_int("SELECT count(*) FROM request_log WHERE ttft_ms IS NOT NULL") == 1);
}

TEST_CASE("messages: an error event inside a stream reaches the client, the provider's "
          "credential masked") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  const std::vector<std::string> events = {
      named_sse("message_start", message_start({{"input_tokens", 10}, {"output_tokens", 1}})),
      "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
      "\"message\":\"Overloaded for " +
          std::string(k_alpha_credential) + "\"}}\n\n",
      // An end event that carries more than Anthropic's: the client gets Anthropic's own.
      "id: " + std::string(k_alpha_credential) +
          "\nevent: message_stop\ndata: {\"type\":\"message_stop\",\"error\":\"x\"}\n\n",
  };
  gw.alpha.stream_sse("POST", k_upstream_path, events, std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  const std::string received = stream_messages(gw, api_key(key), messages_request("premium", true)).received;
  CHECK(received ==
        events[0] +
            "event: error\ndata: {\"error\":{\"message\":\"Overloaded for [redacted]\","
            "\"type\":\"overloaded_error\"},\"type\":\"error\"}\n\n"
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  CHECK(gw.log_rows("status, prompt_tokens, estimated") ==
        nlohmann::json::array({{{"status", 200}, {"prompt_tokens", 10}, {"estimated", 1}}}));
}

TEST_CASE("messages: refusals take Anthropic's envelope with llmgw's own messages") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  TestKey denied = gw.create_key({"--deny-model", "premium"});
  TestKey spent = gw.create_key({"--limit", "0"});
  gw.start();
  auto envelope = [](int status, const std::string& type, const std::string& message) {
    return Reply{status, {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}};
  };
  CHECK(gw.post("/v1/messages", messages_request("premium"), {}) ==
        envelope(401, "authentication_error",
                 "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>"));
  const Reply refused = gw.post("/v1/messages", messages_request("premium"), api_key(denied));
  CHECK(refused.status == 403);
  CHECK(refused.body["type"] == "error");
  CHECK(refused.body["error"]["type"] == "permission_error");
  CHECK(refused.body["error"]["message"].get<std::string>().rfind("Access denied: ", 0) == 0);
  const Reply no_budget = gw.post("/v1/messages", messages_request("premium"), api_key(spent));
  CHECK(no_budget.status == 402);
  CHECK(no_budget.body["error"]["type"] == "billing_error");
  CHECK(gw.post("/v1/messages", R"({"model":"premium","messages":[{"role":"user","content":"x"}]})",
                {{"Authorization", "Bearer " + denied.secret}}) ==
        envelope(400, "invalid_request_error",
                 "'max_tokens' is required and must be an integer of at least 1"));
  CHECK(gw.alpha.requests().empty());
}

TEST_CASE("messages: --error-format reference keeps the reference shape on this route") {
  GatewayUnderTest gw;
  gw.start({"--error-format", "reference"});
  CHECK(gw.post("/v1/messages", messages_request("premium"), {}) ==
        reference_error(401, "missing_api_key",
                        "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>"));
}

TEST_CASE("messages: the echo model answers in Anthropic's shape, whole and streamed") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  const Reply whole = gw.post("/v1/messages", messages_request("echo"), api_key(key));
  CHECK(whole.status == 200);
  CHECK(whole.body["type"] == "message");
  CHECK(whole.body["content"] ==
        nlohmann::json::array({{{"type", "text"}, {"text", "Say hi"}}}));
  CHECK(whole.body["usage"]["output_tokens"] == 2);
  CHECK(whole.body["id"].get<std::string>().rfind("msg_", 0) == 0);

  const std::string received = stream_messages(gw, api_key(key), messages_request("echo", true)).received;
  std::vector<std::string> types;
  for (std::size_t at = received.find("event: "); at != std::string::npos;
       at = received.find("event: ", at + 1)) {
    types.push_back(received.substr(at + 7, received.find('\n', at) - at - 7));
  }
  CHECK(types == std::vector<std::string>{"message_start", "content_block_start",
                                          "content_block_delta", "content_block_delta",
                                          "content_block_stop", "message_delta",
                                          "message_stop"});
  CHECK(gw.log_rows("provider, status, completion_tokens, streamed") ==
        nlohmann::json::array(
            {{{"provider", "echo"}, {"status", 200}, {"completion_tokens", 2}, {"streamed", 0}},
             {{"provider", "echo"}, {"status", 200}, {"completion_tokens", 2}, {"streamed", 1}}}));
}

TEST_CASE("messages: count_tokens is the provider's count, else llmgw's marked estimate, for "
          "a key with budget left and a model it may use, and nothing is logged or billed") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  gw.alpha.answer_json("POST", "/v1/messages/count_tokens", 200, R"({"input_tokens":2095})");
  TestKey key = gw.create_key();
  TestKey denied = gw.create_key({"--deny-model", "premium"});
  TestKey spent = gw.create_key({"--limit", "0"});
  gw.start();
  const std::string body = R"({"model":"premium","messages":[{"role":"user","content":"Hi"}]})";
  auto counted = gw.client().Post("/v1/messages/count_tokens", api_key(key), body,
                                  "application/json");
  REQUIRE(counted);
  CHECK(counted->status == 200);
  CHECK(counted->body == R"({"input_tokens":2095})");
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].body == R"({"model":"premium-upstream","messages":[{"role":"user","content":"Hi"}]})");
  CHECK(sent[0].header("x-api-key") == k_alpha_credential);
  // The echo model has no count: llmgw's, a token for each 4 bytes of what is read, here
  // "messages" (10 bytes), its value (32) and 2 for the separators.
  const std::string echo = R"({"model":"echo","messages":[{"role":"user","content":"Hi"}]})";
  CHECK(gw.post("/v1/messages/count_tokens", echo, api_key(key)) ==
        Reply{200, {{"input_tokens", 11}, {"estimated", true}}});
  const Reply refused = gw.post("/v1/messages/count_tokens", body, api_key(denied));
  CHECK(refused.status == 403);
  CHECK(refused.body["error"]["type"] == "permission_error");
  CHECK(gw.post("/v1/messages/count_tokens", body, {}).status == 401);
  // A spent budget reaches no provider, as on every route that does.
  const Reply no_budget = gw.post("/v1/messages/count_tokens", body, api_key(spent));
  CHECK(no_budget.status == 402);
  CHECK(no_budget.body["error"]["type"] == "billing_error");
  CHECK(gw.query_int("SELECT count(*) FROM request_log") == 0);
  CHECK(gw.alpha.requests().size() == 1);
}

TEST_CASE("messages: a key with a spending limit is refused what Anthropic bills beyond "
          "tokens, a key without one is not") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  gw.alpha.answer_json("POST", k_upstream_path, 200,
                       R"({"type":"message","content":[],"usage":{"input_tokens":1,"output_tokens":1}})");
  TestKey limited = gw.create_key({"--limit", "5"});
  TestKey unlimited = gw.create_key();
  gw.start();
  const std::string searching =
      R"({"model":"premium","max_tokens":9,"messages":[{"role":"user","content":"x"}],)"
      R"("tools":[{"type":"web_search_20250305","name":"web_search"}]})";
  const Reply refused = gw.post("/v1/messages", searching, api_key(limited));
  CHECK(refused.status == 400);
  CHECK(refused.body["error"]["message"] ==
        "tools[0] has type 'web_search_20250305', which Anthropic may bill beyond its tokens: "
        "a key with a spending limit may not use it; send custom tools only");
  httplib::Headers long_context = api_key(limited);
  long_context.emplace("anthropic-beta", "context-1m-2025-08-07");
  CHECK(gw.post("/v1/messages", messages_request("premium"), long_context).status == 400);
  CHECK(gw.alpha.requests().empty());
  CHECK(gw.post("/v1/messages", searching, api_key(unlimited)).status == 200);
  CHECK(gw.alpha.requests().size() == 1);
}
