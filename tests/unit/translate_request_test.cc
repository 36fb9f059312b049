// Requests translated between the two APIs (core/wire/translate/chat_request_to_messages.h,
// core/wire/translate/messages_request_to_chat.h): golden bodies for every part each maps,
// and the exact refusal of what has no counterpart.
#include "core/wire/client_request.h"
#include "core/error.h"
#include "core/wire/translate/chat_request_to_messages.h"
#include "core/wire/translate/messages_request_to_chat.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>

#include <string>

using llmgw::ClientRequest;
using llmgw::Endpoint;
using llmgw::parse_client_request;

namespace {

std::string to_messages(const std::string& chat, std::optional<std::int64_t> max = 64000) {
  return llmgw::messages_request_from_chat(parse_client_request(chat, Endpoint::chat),
                                           "claude-up", max);
}

std::string to_chat(const std::string& messages) {
  return llmgw::chat_request_from_messages(parse_client_request(messages, Endpoint::messages),
                                           "gpt-up");
}

}  // namespace

TEST_CASE("translate request: a chat request as a Messages request, part by part") {
  const std::string chat =
      R"({"model":"claude","messages":[{"role":"system","content":"Be terse."},)"
      R"({"role":"developer","content":[{"type":"text","text":"Cite.","cache_control":{"type":"ephemeral"}}]},)"
      R"({"role":"user","content":[{"type":"text","text":"What is here?"},)"
      R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}},)"
      R"({"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},)"
      R"({"role":"assistant","content":null,"thinking_blocks":[{"type":"thinking","thinking":"Look.","signature":"EqQB"}],)"
      R"("tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"ls","arguments":"{\"path\":\".\"}"}},)"
      R"({"id":"toolu_2","type":"function","function":{"name":"pwd","arguments":""}}]},)"
      R"({"role":"tool","tool_call_id":"toolu_1","content":"a.png"},)"
      R"({"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"/srv"}]},)"
      R"({"role":"user","content":"Thanks"}],"max_completion_tokens":300,"stream":true,)"
      R"("stream_options":{"include_usage":true},"temperature":0.2,"stop":"END","user":"u-7",)"
      R"("tools":[{"type":"function","function":{"name":"ls","description":"List","parameters":)"
      R"({"type":"object","properties":{"path":{"type":"string"}}},"strict":true},"cache_control":{"type":"ephemeral"}}],)"
      R"("tool_choice":"required","parallel_tool_calls":false,"n":1})";
  // System and developer messages become the system blocks; the two tool results are one
  // user turn with the user's next text; the thinking block goes back first, its signature
  // kept; cache_control stays where it was.
  CHECK(to_messages(chat) ==
        R"({"model":"claude-up","system":[{"type":"text","text":"Be terse."},)"
        R"({"type":"text","text":"Cite.","cache_control":{"type":"ephemeral"}}],)"
        R"("messages":[{"role":"user","content":[{"type":"text","text":"What is here?"},)"
        R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},)"
        R"({"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},)"
        R"({"role":"assistant","content":[{"type":"thinking","thinking":"Look.","signature":"EqQB"},)"
        R"({"type":"tool_use","id":"toolu_1","name":"ls","input":{"path":"."}},)"
        R"({"type":"tool_use","id":"toolu_2","name":"pwd","input":{}}]},)"
        R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.png"},)"
        R"({"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"/srv"}]},)"
        R"({"type":"text","text":"Thanks"}]}],"max_tokens":300,"stream":true,"temperature":0.2,)"
        R"("stop_sequences":["END"],"metadata":{"user_id":"u-7"},"tools":[{"name":"ls",)"
        R"("description":"List","input_schema":{"type":"object","properties":{"path":{"type":"string"}}},)"
        R"("strict":true,"cache_control":{"type":"ephemeral"}}],)"
        R"("tool_choice":{"type":"any","disable_parallel_tool_use":true}})");
}

TEST_CASE("translate request: max_tokens defaults to the model's max output, and effort "
          "becomes a thinking budget below it") {
  CHECK(to_messages(R"({"model":"c","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"medium"})") ==
        R"({"model":"claude-up","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],)"
        R"("max_tokens":64000,"thinking":{"type":"enabled","budget_tokens":4096}})");
  // A budget that does not fit under max_tokens is left out; tool_choice none keeps no
  // parallel flag.
  CHECK(to_messages(R"({"model":"c","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000,)"
                    R"("reasoning_effort":"low","tool_choice":"none","parallel_tool_calls":false})") ==
        R"({"model":"claude-up","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],)"
        R"("max_tokens":1000,"tool_choice":{"type":"none"}})");
  CHECK(test::thrown_by([] { to_messages(R"({"model":"c","messages":[{"role":"user","content":"Hi"}]})",
                                std::nullopt); }) ==
        test::invalid("The Messages API requires max_tokens: give max_tokens or max_completion_tokens"));
}

TEST_CASE("translate request: what a chat request says that the Messages API cannot is "
          "refused by name") {
  auto refusal = [](const std::string& messages, const std::string& extra) {
    return test::thrown_by([&] { to_messages(R"({"model":"c","messages":)" + messages + extra + "}"); });
  };
  const std::string hi = R"([{"role":"user","content":"Hi"}])";
  CHECK(refusal(hi, R"(,"n":2)") == test::invalid("The chat field 'n' above 1 has no counterpart in the Messages API"));
  CHECK(refusal(hi, R"(,"logit_bias":{"5":1})") ==
        test::invalid("The chat field 'logit_bias' has no counterpart in the Messages API"));
  CHECK(refusal(hi, R"(,"response_format":{"type":"json_object"})") ==
        test::invalid("The chat field 'response_format' has no counterpart in the Messages API"));
  CHECK(refusal(R"([{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}])", "") ==
        test::invalid("A content part of type 'input_audio' has no counterpart in the Messages API"));
  CHECK(refusal(R"([{"role":"function","name":"f","content":"x"}])", "") ==
        test::invalid("A message of role 'function' has no counterpart in the Messages API"));
  CHECK(refusal(R"([{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"x","arguments":"[1]"}}]}])", "") ==
        test::invalid("The arguments of tool call t are not a JSON object"));
  CHECK(refusal(hi, R"(,"tools":[{"type":"custom","custom":{"name":"x"}}])") ==
        test::invalid("A tool that is not a function with a name has no counterpart in the Messages API"));
  CHECK(refusal(R"([{"role":"user","content":[{"type":5}]}])", "") ==
        test::invalid("A message, part or tool of the request has a field of an unexpected type"));
}

TEST_CASE("translate request: a Messages request as a chat request, block by block") {
  const std::string messages =
      R"({"model":"gpt","max_tokens":500,"stream":true,"system":[{"type":"text","text":"You are Claude Code.",)"
      R"("cache_control":{"type":"ephemeral"}},{"type":"text","text":" Be brief."}],)"
      R"("messages":[{"role":"user","content":[{"type":"text","text":"Look","cache_control":{"type":"ephemeral"}},)"
      R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}}]},)"
      R"({"role":"assistant","content":[{"type":"thinking","thinking":"Hm","signature":"S"},)"
      R"({"type":"text","text":"Listing."},{"type":"tool_use","id":"toolu_1","name":"ls","input":{"path":"."}}]},)"
      R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.png"},)"
      R"({"type":"text","text":"Go on"}]}],"tools":[{"name":"ls","description":"List",)"
      R"("input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],)"
      R"("tool_choice":{"type":"any","disable_parallel_tool_use":true},"stop_sequences":["END"],)"
      R"("metadata":{"user_id":"u-7"},"thinking":{"type":"enabled","budget_tokens":1024},"temperature":1})";
  // The tool result comes right after the assistant's call, before the user's text; the
  // thinking block and cache_control are dropped; the stream asks for its usage.
  CHECK(to_chat(messages) ==
        R"({"model":"gpt-up","messages":[{"role":"system","content":[{"type":"text","text":"You are Claude Code."},)"
        R"({"type":"text","text":" Be brief."}]},{"role":"user","content":[{"type":"text","text":"Look"},)"
        R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}}]},)"
        R"({"role":"assistant","content":"Listing.","tool_calls":[{"id":"toolu_1","type":"function",)"
        R"("function":{"name":"ls","arguments":"{\"path\":\".\"}"}}]},)"
        R"({"role":"tool","tool_call_id":"toolu_1","content":"a.png"},)"
        R"({"role":"user","content":[{"type":"text","text":"Go on"}]}],"max_completion_tokens":500,)"
        R"("stream":true,"stream_options":{"include_usage":true},"tools":[{"type":"function",)"
        R"("function":{"name":"ls","description":"List","parameters":{"type":"object"}}}],)"
        R"("stop":["END"],"user":"u-7","temperature":1,"tool_choice":"required","parallel_tool_calls":false})");
}

TEST_CASE("translate request: what Claude Code sends besides: a system turn, output_config, "
          "thinking and context_management") {
  CHECK(to_chat(R"({"model":"c","max_tokens":32000,"stream":true,"messages":[{"role":"user",)"
                R"("content":[{"type":"text","text":"Hi"}]},{"role":"system","content":[{"type":"text",)"
                R"("text":"Be brief."}]}],"output_config":{"effort":"high","format":{"type":"json_schema",)"
                R"("schema":{"type":"object"}}},"thinking":{"type":"adaptive"},)"
                R"("context_management":{"edits":[{"type":"clear_thinking_20251015"}]}})") ==
        R"({"model":"gpt-up","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]},)"
        R"({"role":"system","content":[{"type":"text","text":"Be brief."}]}],"max_completion_tokens":32000,)"
        R"("stream":true,"stream_options":{"include_usage":true},"response_format":{"type":"json_schema",)"
        R"("json_schema":{"name":"output","schema":{"type":"object"},"strict":true}}})");
}

TEST_CASE("translate request: what a Messages request says that the chat API cannot is "
          "refused by name") {
  auto refusal = [](const std::string& rest) {
    return test::thrown_by([&] { to_chat(R"({"model":"c","max_tokens":5,)" + rest + "}"); });
  };
  const std::string hi = R"("messages":[{"role":"user","content":"Hi"}])";
  CHECK(refusal(R"("messages":[{"role":"user","content":[{"type":"document","source":{}}]}])") ==
        test::invalid("A user block of type 'document' has no counterpart in the chat API"));
  CHECK(refusal(hi + R"(,"tools":[{"type":"web_search_20250305","name":"web_search"}])") ==
        test::invalid("A tool of type 'web_search_20250305' has no counterpart in the chat API"));
  CHECK(refusal(hi + R"(,"mcp_servers":[])") ==
        test::invalid("The Messages field 'mcp_servers' has no counterpart in the chat API"));
  CHECK(refusal(R"("messages":[{"role":"assistant","content":[{"type":"server_tool_use","id":"s"}]}])") ==
        test::invalid("An assistant block of type 'server_tool_use' has no counterpart in the chat API"));
  CHECK(refusal(hi + R"(,"output_config":{"task_budget":5})") ==
        test::invalid("The Messages field 'output_config.task_budget' has no counterpart in the chat API"));
  CHECK(refusal(hi + R"(,"tool_choice":{"type":"tool"})") == test::invalid("A tool_choice needs a string 'name'"));
}
