// Whole answers translated between the two APIs (core/wire/translate/answer_to_chat.h,
// core/wire/translate/answer_to_messages.h): golden bodies, usage in the other API's words.
#include "core/wire/translate/answer_to_chat.h"
#include "core/wire/translate/answer_to_messages.h"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("translate answer: a Messages answer as a chat completion, thinking kept whole") {
  const std::string answer =
      R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-x","content":[)"
      R"({"type":"thinking","thinking":"Hm.","signature":"EqQB"},{"type":"text","text":"Hi."},)"
      R"({"type":"tool_use","id":"toolu_01","name":"ls","input":{"path":"."}}],"stop_reason":"tool_use",)"
      R"("stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":1000,)"
      R"("cache_read_input_tokens":3000,"output_tokens":50}})";
  CHECK(llmgw::chat_answer_from_messages(answer, 1700000000) ==
        R"({"id":"msg_01","object":"chat.completion","created":1700000000,"model":"claude-x",)"
        R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":"Hm.",)"
        R"("thinking_blocks":[{"type":"thinking","thinking":"Hm.","signature":"EqQB"}],)"
        R"("tool_calls":[{"id":"toolu_01","type":"function","function":{"name":"ls",)"
        R"("arguments":"{\"path\":\".\"}"}}]},"finish_reason":"tool_calls"}],)"
        R"("usage":{"prompt_tokens":4020,"completion_tokens":50,"total_tokens":4070,)"
        R"("prompt_tokens_details":{"cached_tokens":3000}}})");
  // Stop reasons map; a tool call alone has null content.
  CHECK(llmgw::chat_answer_from_messages(
            R"({"id":"m","model":"c","content":[{"type":"tool_use","id":"t","name":"x","input":{}}],)"
            R"("stop_reason":"max_tokens","usage":{"input_tokens":1,"output_tokens":2}})",
            7) ==
        R"({"id":"m","object":"chat.completion","created":7,"model":"c","choices":[{"index":0,)"
        R"("message":{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function",)"
        R"("function":{"name":"x","arguments":"{}"}}]},"finish_reason":"length"}],"usage":{"prompt_tokens":1,)"
        R"("completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}}})");
  CHECK_FALSE(llmgw::chat_answer_from_messages(R"({"type":"message"})", 1));
  CHECK_FALSE(llmgw::chat_answer_from_messages("<html>", 1));
}

TEST_CASE("translate answer: a chat completion as a Messages answer, cache reads apart") {
  const std::string answer =
      R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-x","choices":[)"
      R"({"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":"Hm.",)"
      R"("tool_calls":[{"id":"call_1","type":"function","function":{"name":"ls","arguments":"{\"path\":\".\"}"}},)"
      R"({"id":"call_2","type":"function","function":{"name":"pwd","arguments":"not json"}}]},)"
      R"("finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":20,)"
      R"("total_tokens":120,"prompt_tokens_details":{"cached_tokens":64}}})";
  CHECK(llmgw::messages_answer_from_chat(answer) ==
        R"({"id":"chatcmpl-1","type":"message","role":"assistant","model":"gpt-x","content":[)"
        R"({"type":"thinking","thinking":"Hm.","signature":""},{"type":"text","text":"Hi."},)"
        R"({"type":"tool_use","id":"call_1","name":"ls","input":{"path":"."}},)"
        R"({"type":"tool_use","id":"call_2","name":"pwd","input":{}}],"stop_reason":"tool_use",)"
        R"("stop_sequence":null,"usage":{"input_tokens":36,"cache_read_input_tokens":64,"output_tokens":20}})");
  // A cached count larger than the prompt is shown as all cached, never negative input.
  CHECK(llmgw::messages_answer_from_chat(
            R"({"id":"c","model":"g","choices":[{"message":{"content":"x"},"finish_reason":"length"}],)"
            R"("usage":{"prompt_tokens":5,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":9}}})") ==
        R"({"id":"c","type":"message","role":"assistant","model":"g","content":[{"type":"text","text":"x"}],)"
        R"("stop_reason":"max_tokens","stop_sequence":null,"usage":{"input_tokens":0,)"
        R"("cache_read_input_tokens":5,"output_tokens":1}})");
  CHECK_FALSE(llmgw::messages_answer_from_chat(R"({"choices":[]})"));
  CHECK_FALSE(llmgw::messages_answer_from_chat("[1]"));
}
