// A Responses client (Codex, responses.create) whose model a provider without the
// Responses API serves: an OpenAI-kind provider gets a chat request, an Anthropic-kind one
// a Messages request; the client gets a response and Responses events, under an id of
// llmgw's, billed from the provider's own usage. What needs a stored response is refused.
// The translations themselves are pinned in tests/unit/translate_responses_test.cc.
#include "tests/gateway/messages_fixture.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const std::string k_chat_path = "/v1/chat/completions";

const char* const k_columns =
    "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, cost, "
    "estimated, streamed";

nlohmann::json row(int status, std::int64_t prompt, std::int64_t completion,
                   std::int64_t cached, std::int64_t cost, int streamed) {
  return {{"provider", "alpha"}, {"status", status},          {"error_code", ""},
          {"prompt_tokens", prompt}, {"completion_tokens", completion},
          {"cached_tokens", cached}, {"cost", cost},          {"estimated", 0},
          {"streamed", streamed}};
}

nlohmann::json chat_chunk(const nlohmann::json& delta, const nlohmann::json& finish = nullptr) {
  return {{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"created", 1},
          {"model", "premium-upstream"},
          {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
}

// The events a client received: each one's data, and its type as named.
std::vector<nlohmann::json> events_of(const std::string& received) {
  std::vector<nlohmann::json> out;
  std::size_t at = 0;
  while ((at = received.find("\ndata: ", at)) != std::string::npos) {
    const std::size_t end = received.find("\n\n", at);
    out.push_back(nlohmann::json::parse(received.substr(at + 7, end - at - 7)));
    at = end;
  }
  return out;
}

// alpha, serving premium, without the Responses API: it speaks chat (or Messages, when
// `kind` is anthropic).
void without_responses(GatewayUnderTest& gw) {
  if (gw.alpha_kind == "openai") {
    gw.cli({"provider", "set", "alpha", "--no-responses"});
  }
}

}  // namespace

TEST_CASE("responses translation: an OpenAI-kind provider without the Responses API gets a "
          "chat request, and the client a response under llmgw's id, billed from the chat "
          "usage") {
  GatewayUnderTest gw;
  gw.alpha.answer_json(
      "POST", k_chat_path, 200,
      R"({"id":"chatcmpl-1","object":"chat.completion","model":"premium-upstream","choices":[)"
      R"({"index":0,"message":{"role":"assistant","content":"Hi.","tool_calls":[{"id":"call_1",)"
      R"("type":"function","function":{"name":"ls","arguments":"{}"}}]},"finish_reason":"tool_calls"}],)"
      R"("usage":{"prompt_tokens":1200,"completion_tokens":90,"total_tokens":1290,)"
      R"("prompt_tokens_details":{"cached_tokens":1000}}})");
  TestKey key = gw.create_key();  // no limit: a limited key may not continue a response
  gw.start();
  without_responses(gw);
  Reply reply = gw.post(
      "/v1/responses",
      R"({"model":"premium","instructions":"Be terse.","input":"Say hi","max_output_tokens":300,)"
      R"("store":false,"tools":[{"type":"function","name":"ls","parameters":{"type":"object"}}]})",
      bearer(key));
  REQUIRE(reply.status == 200);
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].path == k_chat_path);
  CHECK(sent[0].body ==
        R"({"model":"premium-upstream","messages":[{"role":"system","content":"Be terse."},)"
        R"({"role":"user","content":"Say hi"}],"max_completion_tokens":300,)"
        R"("tools":[{"type":"function","function":{"name":"ls","parameters":{"type":"object"}}}]})");
  const std::string id = reply.body["id"];
  CHECK(id.substr(0, 5) == "resp_");
  CHECK(reply.body["object"] == "response");
  CHECK(reply.body["status"] == "completed");
  CHECK(reply.body["output"][0]["content"][0]["text"] == "Hi.");
  CHECK(reply.body["output"][1]["call_id"] == "call_1");
  CHECK(reply.body["usage"]["input_tokens"] == 1200);
  CHECK(reply.body["usage"]["input_tokens_details"]["cached_tokens"] == 1000);
  const std::int64_t cost = cost_of(k_premium, {1200, 90, 1000});
  CHECK(gw.log_rows(k_columns) == nlohmann::json::array({row(200, 1200, 90, 1000, cost, 0)}));
  CHECK(gw.log_rows("endpoint, response_id") ==
        nlohmann::json::array({{{"endpoint", "/v1/responses"}, {"response_id", id}}}));
  // Nothing keeps that response: continuing it is refused, reading it finds nothing.
  Reply continued = gw.post("/v1/responses",
                            R"({"model":"premium","input":"and?","previous_response_id":")" + id +
                                R"("})",
                            bearer(key));
  CHECK(continued.status == 400);
  CHECK(continued.body["error"]["message"] ==
        "Provider alpha speaks the chat API: 'previous_response_id' needs the stored response, "
        "which only a provider that serves the Responses API keeps");
  CHECK(gw.get("/v1/responses/" + id, bearer(key)).status == 404);
  CHECK(gw.alpha.requests().size() == 1);
}

TEST_CASE("responses translation: a chat stream reaches the client as Responses events, "
          "the ending event with every item after the usage is committed") {
  GatewayUnderTest gw;
  gw.alpha.stream_sse(
      "POST", k_chat_path,
      {sse(chat_chunk({{"role", "assistant"}, {"content", ""}})), sse(chat_chunk({{"content", "Hi"}})),
       sse(chat_chunk({{"tool_calls", {{{"index", 0}, {"id", "call_1"}, {"type", "function"},
                                        {"function", {{"name", "ls"}, {"arguments", R"({"pa)"}}}}}}})),
       sse(chat_chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", R"(th":"."})"}}}}}}})),
       sse(chat_chunk(nlohmann::json::object(), "tool_calls")),
       sse({{"id", "chatcmpl-1"}, {"choices", nlohmann::json::array()},
            {"usage", {{"prompt_tokens", 500}, {"completion_tokens", 40},
                       {"prompt_tokens_details", {{"cached_tokens", 200}}}}}}),
       "data: [DONE]\n\n"},
      std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  without_responses(gw);
  const Streamed streamed = post_stream(
      gw, bearer(key), R"({"model":"premium","input":"hi","stream":true,"max_output_tokens":99})",
      "/v1/responses", "event: response.completed");
  CHECK(streamed.status == 200);
  CHECK(streamed.content_type == "text/event-stream");
  CHECK(streamed.rows_at_end == 1);
  CHECK(gw.alpha.requests()[0].body ==
        R"({"model":"premium-upstream","messages":[{"role":"user","content":"hi"}],)"
        R"("stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":99})");
  const std::vector<nlohmann::json> events = events_of(streamed.received);
  std::vector<std::string> types;
  for (const nlohmann::json& e : events) {
    types.push_back(e["type"]);
  }
  CHECK(types == std::vector<std::string>{
                     "response.created", "response.in_progress", "response.output_item.added",
                     "response.content_part.added", "response.output_text.delta",
                     "response.output_text.done", "response.content_part.done",
                     "response.output_item.done", "response.output_item.added",
                     "response.function_call_arguments.delta",
                     "response.function_call_arguments.delta",
                     "response.function_call_arguments.done", "response.output_item.done",
                     "response.completed"});
  REQUIRE(!events.empty());
  const nlohmann::json& response = events.back()["response"];
  CHECK(response["output"][1]["arguments"] == R"({"path":"."})");
  CHECK(response["usage"]["output_tokens"] == 40);
  CHECK(gw.log_rows("response_id") == nlohmann::json::array({{{"response_id", response["id"]}}}));
  const std::int64_t cost = cost_of(k_premium, {500, 40, 200});
  CHECK(gw.log_rows(k_columns) == nlohmann::json::array({row(200, 500, 40, 200, cost, 1)}));
}

TEST_CASE("responses translation: an Anthropic-kind provider gets a Messages request, and "
          "its stream reaches the client as Responses events, billed in Anthropic's words") {
  GatewayUnderTest gw;
  gw.alpha_kind = "anthropic";
  gw.alpha.stream_sse(
      "POST", k_upstream_path,
      {named_sse("message_start", message_start({{"input_tokens", 30},
                                                 {"cache_read_input_tokens", 5000},
                                                 {"output_tokens", 1}})),
       named_sse("content_block_start", {{"type", "content_block_start"}, {"index", 0},
                                         {"content_block", {{"type", "text"}, {"text", ""}}}}),
       named_sse("content_block_delta", block_delta(0, {{"type", "text_delta"}, {"text", "Hi."}})),
       named_sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}),
       named_sse("message_delta", {{"type", "message_delta"},
                                   {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                                   {"usage", {{"output_tokens", 87}}}}),
       named_sse("message_stop", {{"type", "message_stop"}})},
      std::chrono::milliseconds(1));
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  const Streamed streamed = post_stream(
      gw, bearer(key),
      R"({"model":"premium","input":"hi","stream":true,"max_output_tokens":200,)"
      R"("reasoning":{"effort":"low"},"store":false})",
      "/v1/responses", "event: response.completed");
  CHECK(streamed.status == 200);
  CHECK(streamed.rows_at_end == 1);
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].path == k_upstream_path);
  CHECK(sent[0].body ==
        R"({"model":"premium-upstream","messages":[{"role":"user","content":[{"type":"text",)"
        R"("text":"hi"}]}],"max_tokens":200,"stream":true})");
  const std::vector<nlohmann::json> events = events_of(streamed.received);
  REQUIRE(!events.empty());
  CHECK(events.front()["type"] == "response.created");
  const nlohmann::json& ended = events.back();
  CHECK(ended["type"] == "response.completed");
  CHECK(ended["response"]["output"][0]["content"][0]["text"] == "Hi.");
  CHECK(ended["response"]["usage"]["input_tokens"] == 5030);
  CHECK(ended["response"]["usage"]["input_tokens_details"]["cached_tokens"] == 5000);
  CHECK(ended["response"]["usage"]["output_tokens"] == 87);
  const std::int64_t cost = 30 * k_input + 5000 * k_read + 87 * k_output;
  CHECK(gw.log_rows(k_columns) == nlohmann::json::array({row(200, 5030, 87, 5000, cost, 1)}));
}

TEST_CASE("responses translation: a credential split over many deltas, each too short to "
          "recognise, is masked where the ending event joins them") {
  GatewayUnderTest gw;
  std::vector<std::string> pieces;
  const std::string credential = k_alpha_credential;
  for (std::size_t at = 0; at < credential.size(); at += 5) {
    pieces.push_back(sse(chat_chunk({{"content", credential.substr(at, 5)}})));
  }
  pieces.push_back(sse({{"id", "chatcmpl-1"}, {"choices", nlohmann::json::array()},
                        {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 6}}}}));
  pieces.push_back("data: [DONE]\n\n");
  gw.alpha.stream_sse("POST", k_chat_path, pieces, std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  without_responses(gw);
  const Streamed streamed =
      post_stream(gw, bearer(key), R"({"model":"premium","input":"hi","stream":true})",
                  "/v1/responses", "event: response.completed");
  CHECK(streamed.status == 200);
  CHECK(streamed.received.find(credential) == std::string::npos);
  const std::vector<nlohmann::json> events = events_of(streamed.received);
  REQUIRE(!events.empty());
  CHECK(events.back()["type"] == "response.completed");
  CHECK(events.back()["response"]["output"][0]["content"][0]["text"].get<std::string>().find(
            "[redacted]") != std::string::npos);
}

TEST_CASE("responses translation: a client that leaves a translated stream is billed the "
          "chat usage read after it left") {
  GatewayUnderTest gw;
  std::vector<std::string> pieces;
  for (int i = 0; i < 40; ++i) {
    pieces.push_back(sse(chat_chunk({{"content", "w" + std::to_string(i) + " "}})));
  }
  pieces.push_back(sse({{"id", "chatcmpl-1"}, {"choices", nlohmann::json::array()},
                        {"usage", {{"prompt_tokens", 12}, {"completion_tokens", 200}}}}));
  pieces.push_back("data: [DONE]\n\n");
  gw.alpha.stream_sse("POST", k_chat_path, pieces, std::chrono::milliseconds(20));
  TestKey key = gw.create_key();
  gw.start();
  without_responses(gw);
  const std::string read = read_until_then_close(
      gw.port(),
      raw_post(key, "/v1/responses", R"({"model":"premium","input":"hi","stream":true})"),
      "w0 ");
  CHECK(read.find("response.output_text.delta") != std::string::npos);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  const std::int64_t cost = cost_of(k_premium, {12, 200, 0});
  CHECK(gw.log_rows("status, prompt_tokens, completion_tokens, cost, estimated, cancelled") ==
        nlohmann::json::array({{{"status", 499}, {"prompt_tokens", 12},
                                {"completion_tokens", 200}, {"cost", cost}, {"estimated", 0},
                                {"cancelled", 1}}}));
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}
