// POST /v1/messages streams that end oddly, and usage that is not the provider's last word:
// cut before message_stop, a final usage missing or not valid, server tool uses, a client
// that leaves early. Each is billed at least what the provider bills.
#include "tests/gateway/messages_fixture.h"

#include <doctest/doctest.h>

using namespace test;

TEST_CASE("messages: a stream cut before message_stop is billed its reported prompt and at "
          "least the output relayed, flagged estimated") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  const nlohmann::json delta = {{"type", "text_delta"}, {"text", "Hello there, half a rep"}};
  const std::vector<std::string> events = {
      named_sse("message_start", message_start({{"input_tokens", 40},
                                             {"cache_read_input_tokens", 100},
                                             {"output_tokens", 1}})),
      named_sse("content_block_start",
            {{"type", "content_block_start"}, {"index", 0},
             {"content_block", {{"type", "text"}, {"text", ""}}}}),
      named_sse("content_block_delta", block_delta(0, delta)),
  };
  gw.alpha.stream_sse("POST", k_upstream_path, events, std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  const std::string received = stream_messages(gw, api_key(key), messages_request("premium", true)).received;
  CHECK(received == joined(events));
  // A token per byte of the delta object as written: no tokenizer makes more.
  const std::int64_t output = static_cast<std::int64_t>(delta.dump().size());
  const std::int64_t cost = 40 * k_input + 100 * k_read + output * k_output;
  CHECK(gw.log_rows(k_log_columns) ==
        nlohmann::json::array({log_row(200, "", 140, output, 100, 0, 0, cost, 1, 1)}));
}

TEST_CASE("messages: a stream whose last usage is not valid, or missing, is estimated from "
          "what was relayed, never billed message_start's placeholder output") {
  // Fewer bytes than max_tokens (200), which caps the estimate.
  const nlohmann::json delta = {{"type", "text_delta"}, {"text", std::string(100, 'x')}};
  const std::int64_t relayed = static_cast<std::int64_t>(delta.dump().size());
  struct Case {
    std::string name;
    std::string last_delta;  // the message_delta event, or none
    nlohmann::json row;      // prompt_tokens, completion_tokens, estimated
  };
  const std::vector<Case> cases = {
      {"an output count that is not valid: no usage at all, the prompt bound",
       named_sse("message_delta", {{"type", "message_delta"}, {"delta", {{"stop_reason", "end_turn"}}},
                               {"usage", {{"output_tokens", -1}}}}),
       {{"completion_tokens", relayed}, {"estimated", 1}}},
      {"a message_delta without usage: the prompt reported",
       named_sse("message_delta", {{"type", "message_delta"}, {"delta", {{"stop_reason", "end_turn"}}}}),
       {{"prompt_tokens", 40}, {"completion_tokens", relayed}, {"estimated", 1}}},
      {"no message_delta at all: the prompt reported",
       "",
       {{"prompt_tokens", 40}, {"completion_tokens", relayed}, {"estimated", 1}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    GatewayUnderTest gw;
    gw.alpha_kind = "anthropic";
    gw.alpha.stream_sse(
        "POST", k_upstream_path,
        {named_sse("message_start", message_start({{"input_tokens", 40}, {"output_tokens", 1}})),
         named_sse("content_block_delta", block_delta(0, delta)), c.last_delta,
         named_sse("message_stop", {{"type", "message_stop"}})},
        std::chrono::milliseconds(1));
    TestKey key = gw.create_key();
    gw.start();
    CHECK(stream_messages(gw, api_key(key), messages_request("premium", true)).status == 200);
    const nlohmann::json rows = gw.log_rows("prompt_tokens, completion_tokens, estimated");
    REQUIRE(rows.size() == 1);
    for (const auto& [column, value] : c.row.items()) {
      CHECK(rows[0][column] == value);
    }
  }
}

TEST_CASE("messages: usage that reports server tool uses is billed at least the request's "
          "bound, flagged estimated, and the end event is Anthropic's own") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  gw.alpha.answer_json(
      "POST", k_upstream_path, 200,
      R"({"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text",)"
      R"("text":"found"}],"stop_reason":"end_turn","usage":{"input_tokens":10,)"
      R"("output_tokens":2,"server_tool_use":{"web_search_requests":3}}})");
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.post("/v1/messages", messages_request("premium"), api_key(key)).status == 200);
  const nlohmann::json rows = gw.log_rows("cost, estimated");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["estimated"] == 1);
  // The bound: 200 output tokens at 30 USD per 1M alone is more than the 12 tokens cost.
  CHECK(rows[0]["cost"].get<std::int64_t>() > 200 * k_output);
}

TEST_CASE("messages: a client that leaves a stream early is billed the usage the provider "
          "sends after it left") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  std::vector<std::string> events = {
      named_sse("message_start", message_start({{"input_tokens", 30},
                                             {"cache_read_input_tokens", 1000},
                                             {"output_tokens", 1}}))};
  for (int i = 0; i < 30; ++i) {
    events.push_back(named_sse("content_block_delta",
                           block_delta(0, {{"type", "text_delta"},
                                           {"text", "word" + std::to_string(i) + " "}})));
  }
  events.push_back(named_sse("message_delta", {{"type", "message_delta"},
                                           {"delta", {{"stop_reason", "end_turn"}}},
                                           {"usage", {{"output_tokens", 150}}}}));
  events.push_back(named_sse("message_stop", {{"type", "message_stop"}}));
  gw.alpha.stream_sse("POST", k_upstream_path, events, std::chrono::milliseconds(20));
  TestKey key = gw.create_key();
  gw.start();
  const std::string body = messages_request("premium", true);
  const std::string raw = "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " +
                          key.secret + "\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
  CHECK(read_until_then_close(gw.port(), raw, "word0 ").find("word0 ") != std::string::npos);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  const std::int64_t cost = 30 * k_input + 1000 * k_read + 150 * k_output;
  CHECK(gw.log_rows("status, error_code, prompt_tokens, completion_tokens, cost, estimated, "
                    "cancelled") ==
        nlohmann::json::array({{{"status", 499}, {"error_code", "client_closed_request"},
                                {"prompt_tokens", 1030}, {"completion_tokens", 150},
                                {"cost", cost}, {"estimated", 0}, {"cancelled", 1}}}));
  CHECK(gw.usage_of(key.id) == cost);
  CHECK(gw.get("/v1/key", api_key(key)).body["reserved"] == "0");
}

TEST_CASE("messages: a stream cut short after reporting server tool uses is billed at least "
          "its bound") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  gw.alpha.stream_sse(
      "POST", k_upstream_path,
      {named_sse("message_start", message_start({{"input_tokens", 10}, {"output_tokens", 1}})),
       named_sse("message_delta", {{"type", "message_delta"},
                               {"usage", {{"output_tokens", 5},
                                          {"server_tool_use", {{"web_search_requests", 2}}}}}})},
      std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  CHECK(stream_messages(gw, api_key(key), messages_request("premium", true)).status == 200);
  const nlohmann::json rows = gw.log_rows("cost, estimated");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["estimated"] == 1);
  CHECK(rows[0]["cost"].get<std::int64_t>() > 200 * k_output);
}
