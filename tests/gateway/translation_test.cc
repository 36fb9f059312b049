// Translation through the gateway: a chat client whose model an Anthropic-kind provider
// serves, and a Messages client (Claude Code) whose model an OpenAI-kind provider serves.
// The provider gets its own API's request, the client its own API's answer, and the
// usage is billed as the provider reported it, in the provider's words. The translations
// themselves are pinned byte by byte in tests/unit/translate_*_test.cc.
#include "tests/gateway/messages_fixture.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const nlohmann::json k_start_usage = {{"input_tokens", 30},
                                      {"cache_creation_input_tokens", 2000},
                                      {"cache_read_input_tokens", 5000},
                                      {"output_tokens", 1}};

// Anthropic's stream: text, then a tool call whose input arrives in two pieces.
std::vector<std::string> anthropic_events() {
  return {
      named_sse("message_start", message_start(k_start_usage)),
      named_sse("ping", {{"type", "ping"}}),
      named_sse("content_block_start", {{"type", "content_block_start"}, {"index", 0},
                                        {"content_block", {{"type", "text"}, {"text", ""}}}}),
      named_sse("content_block_delta", block_delta(0, {{"type", "text_delta"}, {"text", "Hi."}})),
      named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}),
      named_sse("content_block_start",
                {{"type", "content_block_start"}, {"index", 1},
                 {"content_block", {{"type", "tool_use"}, {"id", "toolu_01"}, {"name", "ls"},
                                    {"input", nlohmann::json::object()}}}}),
      named_sse("content_block_delta",
                block_delta(1, {{"type", "input_json_delta"}, {"partial_json", R"({"pa)"}})),
      named_sse("content_block_delta",
                block_delta(1, {{"type", "input_json_delta"}, {"partial_json", R"(th":"."})"}})),
      named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 1}}),
      named_sse("message_delta", {{"type", "message_delta"},
                                  {"delta", {{"stop_reason", "tool_use"}, {"stop_sequence", nullptr}}},
                                  {"usage", {{"output_tokens", 87}}}}),
      named_sse("message_stop", {{"type", "message_stop"}}),
  };
}

// The data of each chat chunk received, in order, with `created` dropped (it is the
// daemon's clock), and "[DONE]" as itself.
std::vector<nlohmann::json> chunks_of(const std::string& received) {
  std::vector<nlohmann::json> out;
  std::size_t at = 0;
  while ((at = received.find("data: ", at)) != std::string::npos) {
    const std::size_t end = received.find("\n\n", at);
    const std::string data = received.substr(at + 6, end - at - 6);
    at = end;
    if (data == "[DONE]") {
      out.emplace_back(data);
      continue;
    }
    nlohmann::json chunk = nlohmann::json::parse(data);
    chunk.erase("created");
    out.push_back(chunk);
  }
  return out;
}

nlohmann::json chat_chunk(const nlohmann::json& delta, const nlohmann::json& finish = nullptr) {
  return {{"id", "msg_01"}, {"object", "chat.completion.chunk"}, {"model", "premium-upstream"},
          {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
}

}  // namespace

TEST_CASE("translation: a chat request to an Anthropic-kind provider, answered whole as a "
          "chat completion and billed with its cache reads and writes") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  const std::string answer =
      R"({"id":"msg_01","type":"message","role":"assistant","model":"premium-upstream",)"
      R"("content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn","stop_sequence":null,)"
      R"("usage":{"input_tokens":20,"cache_creation_input_tokens":1000,"cache_read_input_tokens":3000,)"
      R"("output_tokens":50}})";
  gw.alpha.answer_json("POST", k_upstream_path, 200, answer);
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  const Reply reply = gw.chat(key, chat_request("premium"));
  REQUIRE(reply.status == 200);
  nlohmann::json body = reply.body;
  CHECK(body["created"].is_number_integer());
  body.erase("created");
  CHECK(body == nlohmann::json::parse(
                    R"({"id":"msg_01","object":"chat.completion","model":"premium-upstream",)"
                    R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hi."},)"
                    R"("finish_reason":"stop"}],"usage":{"prompt_tokens":4020,"completion_tokens":50,)"
                    R"("total_tokens":4070,"prompt_tokens_details":{"cached_tokens":3000}}})"));
  // The provider got the Messages request, max_tokens from the model's max output, in its
  // own headers.
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].path == "/v1/messages");
  CHECK(sent[0].body ==
        R"({"model":"premium-upstream","messages":[{"role":"user","content":[{"type":"text",)"
        R"("text":"hello"}]}],"max_tokens":1000})");
  CHECK(sent[0].header("x-api-key") == k_alpha_credential);
  CHECK(sent[0].header("anthropic-version") == "2023-06-01");
  const std::int64_t cost = 20 * k_input + 3000 * k_read + 1000 * k_write_5m + 50 * k_output;
  CHECK(gw.log_rows(k_log_columns) ==
        nlohmann::json::array({log_row(200, "", 4020, 50, 3000, 1000, 0, cost, 0, 0)}));
  CHECK(gw.usage_of(key.id) == cost);
}

TEST_CASE("translation: a chat stream from an Anthropic-kind provider, chunk by chunk, the "
          "usage chunk and [DONE] after the commit") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  gw.alpha.stream_sse("POST", k_upstream_path, anthropic_events(), std::chrono::milliseconds(1));
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  nlohmann::json request = chat_request("premium");
  request["stream"] = true;
  request["stream_options"] = {{"include_usage", true}};
  std::string received;
  std::int64_t rows_at_done = -1;
  auto result = gw.stream_chat(key, request, [&](const char* data, std::size_t size) {
    received.append(data, size);
    if (rows_at_done < 0 && received.find("[DONE]") != std::string::npos) {
      rows_at_done = gw.query_int("SELECT count(*) FROM request_log");
    }
    return true;
  });
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(received.find(": ping\n\n") != std::string::npos);  // kept alive as a comment
  const std::vector<nlohmann::json> expected = {
      chat_chunk({{"role", "assistant"}, {"content", ""}}),
      chat_chunk({{"content", "Hi."}}),
      chat_chunk({{"tool_calls",
                   {{{"index", 0}, {"id", "toolu_01"}, {"type", "function"},
                     {"function", {{"name", "ls"}, {"arguments", ""}}}}}}}),
      chat_chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", R"({"pa)"}}}}}}}),
      chat_chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", R"(th":"."})"}}}}}}}),
      chat_chunk(nlohmann::json::object(), "tool_calls"),
      {{"id", "msg_01"}, {"object", "chat.completion.chunk"}, {"model", "premium-upstream"},
       {"choices", nlohmann::json::array()},
       {"usage", {{"prompt_tokens", 7030}, {"completion_tokens", 87}, {"total_tokens", 7117},
                  {"prompt_tokens_details", {{"cached_tokens", 5000}}}}}},
      "[DONE]",
  };
  CHECK(chunks_of(received) == expected);
  CHECK(rows_at_done == 1);
  const std::int64_t cost = 30 * k_input + 5000 * k_read + 2000 * k_write_5m + 87 * k_output;
  CHECK(gw.log_rows(k_log_columns) ==
        nlohmann::json::array({log_row(200, "", 7030, 87, 5000, 2000, 0, cost, 0, 1)}));
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].body ==
        R"({"model":"premium-upstream","messages":[{"role":"user","content":[{"type":"text",)"
        R"("text":"hello"}]}],"max_tokens":1000,"stream":true})");
}

TEST_CASE("translation: a Messages request to an OpenAI-kind provider, answered whole as "
          "Anthropic's message and billed from the chat usage") {
  GatewayUnderTest gw;
  gw.alpha.answer_json("POST", "/v1/chat/completions", 200,
                       completion_json("premium-upstream", "Hi.", {100, 20, 64}));
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  const Reply reply = gw.post("/v1/messages", messages_request("premium"), api_key(key));
  CHECK(reply == Reply{200, nlohmann::json::parse(
                                R"({"id":"chatcmpl-upstream","type":"message","role":"assistant",)"
                                R"("model":"premium-upstream","content":[{"type":"text","text":"Hi."}],)"
                                R"("stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":36,)"
                                R"("cache_read_input_tokens":64,"output_tokens":20}})")});
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].path == "/v1/chat/completions");
  CHECK(sent[0].body ==
        R"({"model":"premium-upstream","messages":[{"role":"system","content":[{"type":"text",)"
        R"("text":"You are terse."}]},{"role":"user","content":"Say hi"}],"max_completion_tokens":200})");
  CHECK(sent[0].header("Authorization") == std::string("Bearer ") + k_alpha_credential);
  CHECK(sent[0].header("x-api-key") == "");
  const std::int64_t cost = cost_of(k_premium, {100, 20, 64});
  CHECK(gw.log_rows(k_log_columns) ==
        nlohmann::json::array({log_row(200, "", 100, 20, 64, 0, 0, cost, 0, 0)}));
}

TEST_CASE("translation: a Messages stream from an OpenAI-kind provider, with message_delta "
          "holding the real counts and message_stop after the commit") {
  GatewayUnderTest gw;
  const std::vector<std::string> chunks = {
      sse(content_chunk("premium-upstream", "Hi")),
      ": keep-alive\n\n",
      sse(content_chunk("premium-upstream", " there")),
      sse({{"id", "chatcmpl-upstream"}, {"model", "premium-upstream"},
           {"choices", {{{"index", 0}, {"delta", nlohmann::json::object()}, {"finish_reason", "length"}}}}}),
      sse(usage_chunk("premium-upstream", {100, 20, 64})),
      k_sse_done,
  };
  gw.alpha.stream_sse("POST", "/v1/chat/completions", chunks, std::chrono::milliseconds(1));
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  const Streamed streamed = stream_messages(gw, api_key(key), messages_request("premium", true),
                                            "/v1/messages?beta=true");
  CHECK(streamed.status == 200);
  auto delta = [](const std::string& text) {
    return named_sse("content_block_delta",
                     {{"type", "content_block_delta"}, {"index", 0},
                      {"delta", {{"type", "text_delta"}, {"text", text}}}});
  };
  // Compared as parsed events: the daemon writes members in the API's order, the
  // expected ones here are sorted; the order of events and their content is what counts.
  auto events_of = [](const std::string& text) {
    std::vector<std::pair<std::string, nlohmann::json>> out;
    std::size_t at = 0;
    while ((at = text.find("event: ", at)) != std::string::npos) {
      const std::size_t line = text.find('\n', at);
      const std::size_t end = text.find("\n\n", line);
      out.emplace_back(text.substr(at + 7, line - at - 7),
                       nlohmann::json::parse(text.substr(line + 7, end - line - 7)));
      at = end;
    }
    return out;
  };
  const std::string expected =
      named_sse("message_start",
                {{"type", "message_start"},
                 {"message", {{"id", "chatcmpl-upstream"}, {"type", "message"}, {"role", "assistant"},
                              {"model", "premium-upstream"}, {"content", nlohmann::json::array()},
                              {"stop_reason", nullptr}, {"stop_sequence", nullptr},
                              {"usage", {{"input_tokens", 0}, {"output_tokens", 0}}}}}}) +
      named_sse("content_block_start", {{"type", "content_block_start"}, {"index", 0},
                                        {"content_block", {{"type", "text"}, {"text", ""}}}}) +
      delta("Hi") + named_sse("ping", {{"type", "ping"}}) + delta(" there") +
      named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}) +
      named_sse("message_delta",
                {{"type", "message_delta"},
                 {"delta", {{"stop_reason", "max_tokens"}, {"stop_sequence", nullptr}}},
                 {"usage", {{"input_tokens", 36}, {"cache_read_input_tokens", 64}, {"output_tokens", 20}}}}) +
      named_sse("message_stop", {{"type", "message_stop"}});
  CHECK(events_of(streamed.received) == events_of(expected));
  CHECK(streamed.rows_at_end == 1);
  const std::int64_t cost = cost_of(k_premium, {100, 20, 64});
  CHECK(gw.log_rows(k_log_columns) ==
        nlohmann::json::array({log_row(200, "", 100, 20, 64, 0, 0, cost, 0, 1)}));
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(nlohmann::json::parse(sent[0].body)["stream_options"] ==
        nlohmann::json{{"include_usage", true}});
}

TEST_CASE("translation: an error event inside a translated stream reaches the client in "
          "its own API, the provider's credential masked") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  const std::vector<std::string> events = {
      named_sse("message_start", message_start({{"input_tokens", 10}, {"output_tokens", 1}})),
      "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
      "\"message\":\"Overloaded for " + std::string(k_alpha_credential) + "\"}}\n\n",
  };
  gw.alpha.stream_sse("POST", k_upstream_path, events, std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json request = chat_request("premium");
  request["stream"] = true;
  std::string received;
  gw.stream_chat(key, request, [&](const char* data, std::size_t size) {
    received.append(data, size);
    return true;
  });
  const std::vector<nlohmann::json> expected = {
      chat_chunk({{"role", "assistant"}, {"content", ""}}),
      {{"error", {{"message", "Overloaded for [redacted]"}, {"type", "overloaded_error"}}}},
  };
  CHECK(chunks_of(received) == expected);  // no [DONE]: the provider never ended the stream
  // Ended without message_delta: the prompt as reported, the output estimated.
  CHECK(gw.log_rows("status, prompt_tokens, estimated") ==
        nlohmann::json::array({{{"status", 200}, {"prompt_tokens", 10}, {"estimated", 1}}}));
}

TEST_CASE("translation: what the provider's API cannot say is refused before anything is "
          "sent, and only embeddings and token counts keep to one kind") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json request = chat_request("premium");
  request["n"] = 2;
  CHECK(gw.chat(key, request) ==
        reference_error(400, "invalid_request",
                        "Provider alpha speaks the Messages API: The chat field 'n' above 1 has "
                        "no counterpart in the Messages API"));
  // Embeddings reach only OpenAI-kind providers: alpha is skipped, naming why.
  const Reply embeddings = gw.post("/v1/embeddings", R"({"model":"premium","input":"x"})", bearer(key));
  CHECK(embeddings == reference_error(502, "provider_not_configured",
                                      "Provider alpha is of kind anthropic; /v1/embeddings "
                                      "reaches only providers of kind openai"));
  CHECK(gw.alpha.requests().empty());
  CHECK(gw.log_rows("status, error_code") ==
        nlohmann::json::array({{{"status", 400}, {"error_code", "invalid_request"}},
                               {{"status", 502}, {"error_code", "provider_not_configured"}}}));
}
