// A Responses client's request, answer and stream translated to and from the chat API
// (core/wire/translate/responses_request_to_chat.h, answer_to_responses.h,
// chat_stream_to_responses.h), and through chat on to and from the Messages API
// (core/wire/translate/translation.h): golden bodies and event sequences, and the exact
// refusal of what has no counterpart.
#include "core/wire/client_request.h"
#include "core/error.h"
#include "core/wire/translate/answer_to_responses.h"
#include "core/wire/translate/chat_stream_to_responses.h"
#include "core/wire/translate/responses_request_to_chat.h"
#include "core/wire/translate/translation.h"
#include "tests/support/sse_event.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using llmgw::Endpoint;
using llmgw::parse_client_request;
using test::thrown_by;
using test::Thrown;

namespace {

std::string to_chat(const std::string& responses) {
  return llmgw::chat_request_from_responses(parse_client_request(responses, Endpoint::responses),
                                            "gpt-up");
}

std::string chunk(const std::string& delta, const std::string& finish = "null") {
  return R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,)"
         R"("model":"gpt-up","choices":[{"index":0,"delta":)" +
         delta + R"(,"finish_reason":)" + finish + "}]}";
}

// Each event's data as JSON, "event: <type>" checked against the data's type.
std::vector<nlohmann::json> events_of(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::size_t at = 0;
  while ((at = text.find("event: ", at)) != std::string::npos) {
    const std::size_t line_end = text.find('\n', at);
    const std::string type = text.substr(at + 7, line_end - at - 7);
    const std::size_t data_at = line_end + 1 + 6;
    const std::size_t end = text.find("\n\n", data_at);
    nlohmann::json data = nlohmann::json::parse(text.substr(data_at, end - data_at));
    CHECK(data["type"] == type);
    out.push_back(std::move(data));
    at = end;
  }
  return out;
}

llmgw::Provider provider_of(llmgw::ProviderKind kind) {
  llmgw::Provider provider;
  provider.id = "p";
  provider.kind = kind;
  return provider;
}

}  // namespace

TEST_CASE("translate responses: a Responses request as a chat request, item by item") {
  const std::string responses =
      R"({"model":"m","instructions":"Be terse.","input":[)"
      R"({"role":"developer","content":"Cite."},)"
      R"({"type":"message","role":"user","content":[{"type":"input_text","text":"What is here?"},)"
      R"({"type":"input_image","image_url":"data:image/png;base64,iVBOR","detail":"low"}]},)"
      R"({"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAA"},)"
      R"({"type":"message","role":"assistant","content":[{"type":"output_text","text":"Looking."}]},)"
      R"({"type":"function_call","call_id":"call_1","name":"ls","arguments":"{\"path\":\".\"}"},)"
      R"({"type":"function_call","call_id":"call_2","name":"pwd","arguments":"{}"},)"
      R"({"type":"function_call_output","call_id":"call_1","output":"a.png"},)"
      R"({"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"/srv"}]},)"
      R"({"role":"user","content":"Thanks"}],)"
      R"("tools":[{"type":"function","name":"ls","description":"List","parameters":{"type":"object"},"strict":true}],)"
      R"("tool_choice":{"type":"function","name":"ls"},"parallel_tool_calls":false,)"
      R"("max_output_tokens":300,"reasoning":{"effort":"low","summary":"auto"},)"
      R"("text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true},"verbosity":"low"},)"
      R"("temperature":0.2,"top_p":0.9,"user":"u-7","store":false,"include":["reasoning.encrypted_content"],)"
      R"("prompt_cache_key":"k","stream":true})";
  CHECK(to_chat(responses) ==
        R"({"model":"gpt-up","messages":[{"role":"system","content":"Be terse."},)"
        R"({"role":"system","content":"Cite."},)"
        R"({"role":"user","content":[{"type":"text","text":"What is here?"},)"
        R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR","detail":"low"}}]},)"
        R"({"role":"assistant","content":"Looking.","tool_calls":[)"
        R"({"id":"call_1","type":"function","function":{"name":"ls","arguments":"{\"path\":\".\"}"}},)"
        R"({"id":"call_2","type":"function","function":{"name":"pwd","arguments":"{}"}}]},)"
        R"({"role":"tool","tool_call_id":"call_1","content":"a.png"},)"
        R"({"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"/srv"}]},)"
        R"({"role":"user","content":"Thanks"}],)"
        R"("tools":[{"type":"function","function":{"name":"ls","description":"List","parameters":{"type":"object"},"strict":true}}],)"
        R"("tool_choice":{"type":"function","function":{"name":"ls"}},"parallel_tool_calls":false,)"
        R"("max_completion_tokens":300,"reasoning_effort":"low",)"
        R"("response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}},)"
        R"("temperature":0.2,"top_p":0.9,"user":"u-7","stream":true,"stream_options":{"include_usage":true}})");
  CHECK(to_chat(R"({"model":"m","input":"hi"})") ==
        R"({"model":"gpt-up","messages":[{"role":"user","content":"hi"}]})");
}

TEST_CASE("translate responses: what the chat API cannot say, or what needs a stored "
          "response, is refused with its name") {
  auto refused = [](const std::string& responses, const std::string& message) {
    CAPTURE(responses);
    CHECK(thrown_by([&] { to_chat(responses); }) ==
          Thrown{llmgw::ErrorKind::invalid, message});
  };
  refused(R"({"model":"m","input":"hi","previous_response_id":"resp_1"})",
          "'previous_response_id' needs the stored response, which only a provider that "
          "serves the Responses API keeps");
  refused(R"({"model":"m","input":"hi","store":true})",
          "'store' true asks for the response to be kept, which only a provider that serves "
          "the Responses API does; send \"store\": false");
  refused(R"({"model":"m","input":[{"type":"web_search_call","id":"ws_1","status":"completed"}]})",
          "An input item of type 'web_search_call' has no counterpart in the chat API");
  refused(R"({"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]})",
          "A content part of type 'input_file' has no counterpart in the chat API");
  refused(R"({"model":"m","input":"hi","tools":[{"type":"custom","name":"apply_patch"}]})",
          "A tool of type 'custom' has no counterpart in the chat API");
  refused(R"({"model":"m","input":"hi","tool_choice":{"type":"web_search"}})",
          "A tool_choice of type 'web_search' has no counterpart in the chat API");
  refused(R"({"model":"m","input":[{"type":"function_call","name":"ls","arguments":"{}"}]})",
          "A function_call item needs a string 'call_id'");
  refused(R"({"model":"m","input":"hi","text":{"format":{"type":"grammar"}}})",
          "A text format of type 'grammar' has no counterpart in the chat API");
  refused(R"({"model":"m","input":"hi","prompt":{"id":"pmpt_1"}})",
          "The Responses field 'prompt' has no counterpart in the chat API");
  // A namespace's name is repeated in each of its tools: the chat API's name limit holds.
  refused(R"({"model":"m","input":"hi","tools":[{"type":"namespace","name":")" +
              std::string(60, 'n') + R"(","tools":[{"type":"function","name":"close"}]}]})",
          "The tool 'close' of the namespace '" + std::string(60, 'n') +
              "' would be named with more than 64 characters in the chat API");
  refused(R"({"model":"m","input":"hi","tools":[{"type":"function","name":"a__b"},)"
          R"({"type":"namespace","name":"a","tools":[{"type":"function","name":"b"}]}]})",
          "Two tools would both be named 'a__b' in the chat API");
  // null is as absent.
  CHECK(to_chat(R"({"model":"m","input":"hi","previous_response_id":null,"tools":null,)"
                R"("tool_choice":null,"text":null,"reasoning":null})") ==
        R"({"model":"gpt-up","messages":[{"role":"user","content":"hi"}]})");
}

TEST_CASE("translate responses: a whole chat completion as a response, text and calls as "
          "output items, the usage in the Responses API's words") {
  const std::string chat =
      R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-up","choices":[{"index":0,)"
      R"("message":{"role":"assistant","content":"Listing.","reasoning_content":"Hm.","tool_calls":[)"
      R"({"id":"call_1","type":"function","function":{"name":"ls","arguments":"{\"path\":\".\"}"}}]},)"
      R"("finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1200,"completion_tokens":90,)"
      R"("total_tokens":1290,"prompt_tokens_details":{"cached_tokens":1000},)"
      R"("completion_tokens_details":{"reasoning_tokens":64}}})";
  CHECK(llmgw::responses_answer_from_chat(chat, "resp_7", 1700000000) ==
        R"({"id":"resp_7","object":"response","created_at":1700000000,"status":"completed",)"
        R"("error":null,"incomplete_details":null,"model":"gpt-up","output":[)"
        R"({"id":"msg_7_0","type":"message","status":"completed","role":"assistant","content":[)"
        R"({"type":"output_text","text":"Listing.","annotations":[]}]},)"
        R"({"id":"fc_7_1","type":"function_call","status":"completed","call_id":"call_1",)"
        R"("name":"ls","arguments":"{\"path\":\".\"}"}],)"
        R"("usage":{"input_tokens":1200,"input_tokens_details":{"cached_tokens":1000},)"
        R"("output_tokens":90,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":1290}})");
  // Cut at the output limit: incomplete, saying why.
  const auto cut = nlohmann::json::parse(*llmgw::responses_answer_from_chat(
      R"({"choices":[{"message":{"content":"Lo"},"finish_reason":"length"}]})", "resp_8", 1));
  CHECK(cut["status"] == "incomplete");
  CHECK(cut["incomplete_details"] == nlohmann::json{{"reason", "max_output_tokens"}});
  CHECK(cut["usage"]["input_tokens"] == 0);
  CHECK(llmgw::responses_answer_from_chat(R"({"choices":[]})", "resp_9", 1) == std::nullopt);
  CHECK(llmgw::responses_answer_from_chat("not json", "resp_9", 1) == std::nullopt);
}

TEST_CASE("translate responses: a chat stream as Responses events, one item open at a time, "
          "the arguments of a call split over deltas, the usage in the ending event") {
  llmgw::ChatStreamToResponses translation("resp_7", 1700000000);
  std::string out;
  for (const std::string& data :
       {chunk(R"({"role":"assistant","content":""})"), chunk(R"({"reasoning_content":"Hm."})"),
        chunk(R"({"content":"Hi"})"), chunk(R"({"content":" there."})"),
        chunk(R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"ls","arguments":""}}]})"),
        chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"pa"}}]})"),
        chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"th\":\".\"}"}}]})"),
        chunk("{}", R"("tool_calls")"),
        std::string(R"({"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":500,)"
                    R"("completion_tokens":40,"prompt_tokens_details":{"cached_tokens":200}}})")}) {
    out += translation.event(test::sse_event("", data));
  }
  out += translation.keep_alive();
  out += translation.close();
  out += translation.end_event();
  CHECK(out.find(": keep-alive\n\n") != std::string::npos);
  const std::vector<nlohmann::json> events = events_of(out);
  std::vector<std::string> types;
  for (std::size_t i = 0; i < events.size(); ++i) {
    types.push_back(events[i]["type"]);
    CHECK(events[i]["sequence_number"] == i);
  }
  CHECK(types == std::vector<std::string>{
                     "response.created", "response.in_progress", "response.output_item.added",
                     "response.content_part.added", "response.output_text.delta",
                     "response.output_text.delta", "response.output_text.done",
                     "response.content_part.done", "response.output_item.done",
                     "response.output_item.added", "response.function_call_arguments.delta",
                     "response.function_call_arguments.delta",
                     "response.function_call_arguments.done", "response.output_item.done",
                     "response.completed"});
  REQUIRE(events.size() == 15);
  CHECK(events[0]["response"]["status"] == "in_progress");
  CHECK(events[0]["response"]["id"] == "resp_7");
  CHECK(events[0]["response"]["model"] == "gpt-up");
  CHECK(events[4]["delta"] == "Hi");
  CHECK(events[4]["item_id"] == "msg_7_0");
  CHECK(events[5]["delta"] == " there.");
  CHECK(events[6]["text"] == "Hi there.");
  CHECK(events[9]["item"] == nlohmann::json{{"id", "fc_7_1"}, {"type", "function_call"},
                                            {"status", "in_progress"}, {"call_id", "call_1"},
                                            {"name", "ls"}, {"arguments", ""}});
  CHECK(events[10]["delta"] == R"({"pa)");
  CHECK(events[11]["delta"] == R"(th":"."})");
  CHECK(events[12]["arguments"] == R"({"path":"."})");
  const nlohmann::json& response = events[14]["response"];
  CHECK(response["status"] == "completed");
  CHECK(response["output"] == nlohmann::json::array({events[8]["item"], events[13]["item"]}));
  CHECK(events[13]["item"]["arguments"] == R"({"path":"."})");
  CHECK(response["usage"] ==
        nlohmann::json{{"input_tokens", 500}, {"input_tokens_details", {{"cached_tokens", 200}}},
                       {"output_tokens", 40}, {"output_tokens_details", {{"reasoning_tokens", 0}}},
                       {"total_tokens", 540}});
}

TEST_CASE("translate responses: an error in a translated stream is an error event, and the "
          "stream ends failed") {
  llmgw::ChatStreamToResponses translation("resp_7", 1);
  std::string out = translation.event(test::sse_event("", chunk(R"({"content":"Hi"})")));
  out += translation.error({{"error", {{"message", "overloaded"}, {"type", "server_error"}}}});
  out += translation.close();
  out += translation.end_event();
  const std::vector<nlohmann::json> events = events_of(out);
  // created, in_progress, the message's added events and its delta; then the error, the
  // message closed, and the end.
  REQUIRE(events.size() == 10);
  CHECK(events[5] == nlohmann::json{{"type", "error"}, {"code", "server_error"},
                                    {"message", "overloaded"}, {"param", nullptr},
                                    {"sequence_number", 5}});
  const nlohmann::json& failed = events.back();
  CHECK(failed["type"] == "response.failed");
  CHECK(failed["response"]["error"] ==
        nlohmann::json{{"code", "server_error"}, {"message", "overloaded"}});
  CHECK(failed["response"]["output"][0]["content"][0]["text"] == "Hi");
}

TEST_CASE("translate responses: a stream holds at most so many items for its ending event, "
          "then ends with an error and response.failed, reading on for the usage") {
  llmgw::ChatStreamToResponses translation("resp_7", 1);
  std::string out;
  const std::size_t calls = llmgw::ChatStreamToResponses::k_max_held_items + 10;
  for (std::size_t i = 0; i < calls; ++i) {
    out += translation.event(test::sse_event(
        "", chunk(R"({"tool_calls":[{"index":)" + std::to_string(i % 2) +
                  R"(,"id":"c","function":{"name":"f","arguments":"{}"}}]})")));
  }
  out += translation.event(test::sse_event(
      "", R"({"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":9000}})"));
  out += translation.close();
  out += translation.end_event();
  const std::vector<nlohmann::json> events = events_of(out);
  std::size_t errors = 0;
  std::size_t after_error = 0;
  for (const nlohmann::json& e : events) {
    after_error += errors;
    errors += e["type"] == "error" ? 1 : 0;
  }
  CHECK(errors == 1);
  CHECK(after_error == 1);  // the end alone
  const nlohmann::json& failed = events.back();
  CHECK(failed["type"] == "response.failed");
  CHECK(failed["response"]["error"]["code"] == "response_too_large");
  CHECK(failed["response"]["output"].size() == llmgw::ChatStreamToResponses::k_max_held_items - 1);
  CHECK(failed["response"]["usage"]["output_tokens"] == 9000);
}

TEST_CASE("translate responses: an Anthropic-kind provider's stream and answer reach a "
          "Responses client through chat") {
  const llmgw::Provider anthropic = provider_of(llmgw::ProviderKind::anthropic);
  llmgw::TranslatedAnswer shown;
  shown.created = 1700000000;
  shown.response_id = "resp_7";
  auto translation = llmgw::stream_translation(Endpoint::responses, anthropic, shown);
  REQUIRE(translation);
  std::string out;
  for (const auto& [type, data] : std::vector<std::pair<std::string, std::string>>{
           {"message_start",
            R"({"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant",)"
            R"("model":"claude-x","content":[],"usage":{"input_tokens":30,"output_tokens":1}}})"},
           {"content_block_start",
            R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
           {"content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi."}})"},
           {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
           {"message_delta",
            R"({"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":9}})"}}) {
    out += translation->event(test::sse_event(type, data));
  }
  out += translation->close();
  out += translation->end_event();
  const std::vector<nlohmann::json> events = events_of(out);
  REQUIRE(!events.empty());
  const nlohmann::json& ended = events.back();
  CHECK(ended["type"] == "response.incomplete");
  CHECK(ended["response"]["model"] == "claude-x");
  CHECK(ended["response"]["output"][0]["content"][0]["text"] == "Hi.");
  CHECK(ended["response"]["usage"]["input_tokens"] == 30);
  CHECK(ended["response"]["usage"]["output_tokens"] == 9);
  CHECK(llmgw::translated_answer(
            Endpoint::responses, anthropic,
            R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-x",)"
            R"("content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn",)"
            R"("usage":{"input_tokens":20,"cache_read_input_tokens":3000,"output_tokens":50}})",
            shown) ==
        R"({"id":"resp_7","object":"response","created_at":1700000000,"status":"completed",)"
        R"("error":null,"incomplete_details":null,"model":"claude-x","output":[)"
        R"({"id":"msg_7_0","type":"message","status":"completed","role":"assistant","content":[)"
        R"({"type":"output_text","text":"Hi.","annotations":[]}]}],)"
        R"("usage":{"input_tokens":3020,"input_tokens_details":{"cached_tokens":3000},)"
        R"("output_tokens":50,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":3070}})");
  // An OpenAI-kind provider that serves the Responses API gets none of this.
  llmgw::Provider native = provider_of(llmgw::ProviderKind::openai);
  native.responses = true;
  CHECK(llmgw::stream_translation(Endpoint::responses, native, shown) == nullptr);
  CHECK_FALSE(llmgw::translates(Endpoint::responses, native));
  CHECK(llmgw::translates(Endpoint::responses, provider_of(llmgw::ProviderKind::openai)));
}

TEST_CASE("translate responses: a namespace's tools reach chat as functions named after "
          "both, and their calls come back with the namespace apart") {
  const std::string responses =
      R"({"model":"m","input":[{"type":"function_call","call_id":"c1","namespace":"agents",)"
      R"("name":"close","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"ok"}],)"
      R"("tools":[{"type":"namespace","name":"agents","description":"Sub-agents","tools":[)"
      R"({"type":"function","name":"close","parameters":{"type":"object"}}]}]})";
  CHECK(to_chat(responses) ==
        R"({"model":"gpt-up","messages":[{"role":"assistant","content":null,"tool_calls":[)"
        R"({"id":"c1","type":"function","function":{"name":"agents__close","arguments":"{}"}}]},)"
        R"({"role":"tool","tool_call_id":"c1","content":"ok"}],)"
        R"("tools":[{"type":"function","function":{"name":"agents__close","parameters":{"type":"object"}}}]})");
  CHECK(llmgw::tool_namespaces(parse_client_request(responses, Endpoint::responses)) ==
        std::vector<std::string>{"agents"});
  const auto answer = nlohmann::json::parse(*llmgw::responses_answer_from_chat(
      R"({"choices":[{"message":{"tool_calls":[{"id":"c2","type":"function","function":)"
      R"({"name":"agents__close","arguments":"{}"}},{"id":"c3","type":"function","function":)"
      R"({"name":"ls","arguments":"{}"}}]},"finish_reason":"tool_calls"}]})",
      "resp_7", 1, {"agents"}));
  CHECK(answer["output"][0]["name"] == "close");
  CHECK(answer["output"][0]["namespace"] == "agents");
  CHECK(answer["output"][1]["name"] == "ls");
  CHECK_FALSE(answer["output"][1].contains("namespace"));
}

TEST_CASE("translate responses: a refusal is a message item with a refusal part, whole and "
          "streamed") {
  const auto whole = nlohmann::json::parse(*llmgw::responses_answer_from_chat(
      R"({"choices":[{"message":{"content":null,"refusal":"I can't help with that."},)"
      R"("finish_reason":"stop"}]})",
      "resp_7", 1));
  CHECK(whole["output"] ==
        nlohmann::json::array({{{"id", "msg_7_0"}, {"type", "message"}, {"status", "completed"},
                                {"role", "assistant"},
                                {"content", {{{"type", "refusal"},
                                              {"refusal", "I can't help with that."}}}}}}));
  llmgw::ChatStreamToResponses translation("resp_7", 1);
  std::string out;
  for (const std::string& data :
       {chunk(R"({"refusal":"I can't"})"), chunk(R"({"refusal":" help."})"),
        chunk("{}", R"("stop")")}) {
    out += translation.event(test::sse_event("", data));
  }
  out += translation.close();
  out += translation.end_event();
  const std::vector<nlohmann::json> events = events_of(out);
  std::vector<std::string> types;
  for (const nlohmann::json& e : events) {
    types.push_back(e["type"]);
  }
  CHECK(types == std::vector<std::string>{
                     "response.created", "response.in_progress", "response.output_item.added",
                     "response.content_part.added", "response.refusal.delta",
                     "response.refusal.delta", "response.refusal.done",
                     "response.content_part.done", "response.output_item.done",
                     "response.completed"});
  REQUIRE(events.size() == 10);
  CHECK(events[3]["part"] == nlohmann::json{{"type", "refusal"}, {"refusal", ""}});
  CHECK(events[6]["refusal"] == "I can't help.");
  CHECK(events[9]["response"]["output"][0]["content"][0] ==
        nlohmann::json{{"type", "refusal"}, {"refusal", "I can't help."}});
}
