// Streams translated between the two APIs, as state machines fed one event at a time
// (core/wire/translate/messages_stream_to_chat.h, core/wire/translate/chat_stream_to_messages.h):
// golden event sequences with thinking and its signature, tool arguments split over
// many deltas, pings, errors inside the stream, and the usage at the end.
#include "core/wire/translate/chat_stream_to_messages.h"
#include "core/wire/translate/messages_stream_to_chat.h"
#include "tests/support/sse_event.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

std::string chunk(const std::string& delta, const std::string& finish = "null") {
  return R"(data: {"id":"msg_01","object":"chat.completion.chunk","created":1700000000,)"
         R"("model":"claude-x","choices":[{"index":0,"delta":)" +
         delta + R"(,"finish_reason":)" + finish + "}]}\n\n";
}

std::string named(const std::string& type, const std::string& data) {
  return "event: " + type + "\ndata: " + data + "\n\n";
}

const std::vector<std::pair<std::string, std::string>> k_messages_stream = {
    {"message_start",
     R"({"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant",)"
     R"("model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":30,)"
     R"("cache_creation_input_tokens":2000,"cache_read_input_tokens":5000,"output_tokens":1}}})"},
    {"ping", R"({"type":"ping"})"},
    {"content_block_start",
     R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})"},
    {"content_block_delta",
     R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hm."}})"},
    {"content_block_delta",
     R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}})"},
    {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
    {"content_block_start",
     R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})"},
    {"content_block_delta",
     R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi."}})"},
    {"content_block_stop", R"({"type":"content_block_stop","index":1})"},
    {"content_block_start",
     R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01","name":"ls","input":{}}})"},
    {"content_block_delta",
     R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"pa"}})"},
    {"content_block_delta",
     R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"th\": \".\"}"}})"},
    {"content_block_stop", R"({"type":"content_block_stop","index":2})"},
    {"message_delta",
     R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":87}})"},
};

}  // namespace

TEST_CASE("translate stream: a Messages stream as chat chunks, the usage chunk at the end") {
  llmgw::MessagesStreamToChat translation(1700000000, true);
  std::string out;
  for (const auto& [type, data] : k_messages_stream) {
    out += translation.event(test::sse_event(type, data));
  }
  out += translation.close();
  CHECK(out == chunk(R"({"role":"assistant","content":""})") + ": ping\n\n" +
                   chunk(R"({"reasoning_content":"Hm."})") +
                   chunk(R"({"thinking_blocks":[{"type":"thinking","thinking":"Hm.","signature":"EqQB"}]})") +
                   chunk(R"({"content":"Hi."})") +
                   chunk(R"({"tool_calls":[{"index":0,"id":"toolu_01","type":"function","function":{"name":"ls","arguments":""}}]})") +
                   chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"pa"}}]})") +
                   chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"th\": \".\"}"}}]})") +
                   chunk("{}", R"("tool_calls")") +
                   R"(data: {"id":"msg_01","object":"chat.completion.chunk","created":1700000000,)"
                   R"("model":"claude-x","choices":[],"usage":{"prompt_tokens":7030,"completion_tokens":87,)"
                   R"("total_tokens":7117,"prompt_tokens_details":{"cached_tokens":5000}}})"
                   "\n\n");
}

TEST_CASE("translate stream: a chat client that did not ask for usage gets no usage chunk, "
          "and an error event keeps its message and type") {
  llmgw::MessagesStreamToChat translation(1700000000, false);
  std::string out = translation.event(test::sse_event("message_start", k_messages_stream[0].second));
  out += translation.error(nlohmann::json::parse(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
  out += translation.close();
  CHECK(out == chunk(R"({"role":"assistant","content":""})") +
                   R"(data: {"error":{"message":"Overloaded","type":"overloaded_error"}})" "\n\n");
  // Events the chat API has nothing for make nothing.
  CHECK(translation.event(test::sse_event("", "not json")) == "");
  CHECK(translation.event(test::sse_event("content_block_delta", R"({"type":"content_block_delta","index":9,"delta":{"type":"text_delta","text":"x"}})")) == "");
}

TEST_CASE("translate stream: chat chunks as a Messages stream, one block open at a time") {
  llmgw::ChatStreamToMessages translation;
  std::string out;
  for (const std::string& data : std::vector<std::string>{
           R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null})",
           R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"reasoning_content":"Hm."},"finish_reason":null}]})",
           R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi."},"finish_reason":null}]})",
           R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"ls","arguments":""}}]},"finish_reason":null}]})",
           R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"pa"}}]},"finish_reason":null}]})",
           R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"th\":1}"}}]},"finish_reason":null}]})",
           R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"pwd","arguments":"{}"}}]},"finish_reason":null}]})",
           R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
           R"({"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":64}}})"}) {
    out += translation.event(test::sse_event("", data));
  }
  out += translation.keep_alive();
  out += translation.close();
  auto start = [](int index, const std::string& block) {
    return named("content_block_start", R"({"type":"content_block_start","index":)" +
                                            std::to_string(index) + R"(,"content_block":)" + block + "}");
  };
  auto delta = [](int index, const std::string& piece) {
    return named("content_block_delta", R"({"type":"content_block_delta","index":)" +
                                            std::to_string(index) + R"(,"delta":)" + piece + "}");
  };
  auto stop = [](int index) {
    return named("content_block_stop",
                 R"({"type":"content_block_stop","index":)" + std::to_string(index) + "}");
  };
  CHECK(out ==
        named("message_start",
              R"({"type":"message_start","message":{"id":"chatcmpl-1","type":"message","role":"assistant",)"
              R"("model":"gpt-x","content":[],"stop_reason":null,"stop_sequence":null,)"
              R"("usage":{"input_tokens":0,"output_tokens":0}}})") +
            start(0, R"({"type":"thinking","thinking":"","signature":""})") +
            delta(0, R"({"type":"thinking_delta","thinking":"Hm."})") + stop(0) +
            start(1, R"({"type":"text","text":""})") +
            delta(1, R"({"type":"text_delta","text":"Hi."})") + stop(1) +
            start(2, R"({"type":"tool_use","id":"call_1","name":"ls","input":{}})") +
            delta(2, R"({"type":"input_json_delta","partial_json":"{\"pa"})") +
            delta(2, R"({"type":"input_json_delta","partial_json":"th\":1}"})") + stop(2) +
            start(3, R"({"type":"tool_use","id":"call_2","name":"pwd","input":{}})") +
            delta(3, R"({"type":"input_json_delta","partial_json":"{}"})") +
            named("ping", R"({"type":"ping"})") + stop(3) +
            named("message_delta",
                  R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},)"
                  R"("usage":{"input_tokens":36,"cache_read_input_tokens":64,"output_tokens":20}})"));
}

TEST_CASE("translate stream: a chat stream's first chunk with usage gives message_start its "
          "real input counts, and an error becomes Anthropic's error event") {
  llmgw::ChatStreamToMessages translation;
  std::string out = translation.event(test::sse_event(
      "", R"({"id":"c","model":"g","choices":[{"index":0,"delta":{"content":"x"}}],)"
          R"("usage":{"prompt_tokens":50,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":10}}})"));
  out += translation.error(nlohmann::json::parse(R"({"error":{"message":"boom"}})"));
  CHECK(out ==
        named("message_start",
              R"({"type":"message_start","message":{"id":"c","type":"message","role":"assistant",)"
              R"("model":"g","content":[],"stop_reason":null,"stop_sequence":null,)"
              R"("usage":{"input_tokens":40,"cache_read_input_tokens":10,"output_tokens":0}}})") +
            named("content_block_start",
                  R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
            named("content_block_delta",
                  R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})") +
            named("error", R"({"type":"error","error":{"type":"api_error","message":"boom"}})"));
  // A stream with no chunk at all still starts before it ends.
  llmgw::ChatStreamToMessages empty;
  CHECK(empty.close() ==
        named("message_start",
              R"({"type":"message_start","message":{"id":"","type":"message","role":"assistant",)"
              R"("model":"","content":[],"stop_reason":null,"stop_sequence":null,)"
              R"("usage":{"input_tokens":0,"output_tokens":0}}})") +
            named("message_delta",
                  R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},)"
                  R"("usage":{"input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}})"));
}

TEST_CASE("translate stream: a thinking block too large to hold is relayed as reasoning, "
          "without the whole block") {
  llmgw::MessagesStreamToChat translation(1700000000, false);
  translation.event(test::sse_event("message_start", k_messages_stream[0].second));
  translation.event(test::sse_event("content_block_start", k_messages_stream[2].second));
  const std::string piece(1 << 20, 'a');
  std::size_t relayed = 0;
  for (std::size_t i = 0; i <= llmgw::MessagesStreamToChat::k_max_thinking_bytes / piece.size(); ++i) {
    relayed += translation
                   .event(test::sse_event("content_block_delta",
                                R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":")" +
                                    piece + R"("}})"))
                   .size();
  }
  CHECK(relayed > llmgw::MessagesStreamToChat::k_max_thinking_bytes);
  CHECK(translation.event(test::sse_event("content_block_stop", k_messages_stream[5].second)) == "");
}
