// A client's body read in place and rewritten for the upstream (core/wire/client_request.h).
// What the upstream is sent must parse to the client's document with only `model` and,
// when streaming, stream_options.include_usage changed, and hold one "model" key.
#include "core/wire/client_request.h"

#include "core/error.h"
#include "core/wire/prompt_bound.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using llmgw::ClientRequest;
using llmgw::Endpoint;
using llmgw::parse_client_request;
using llmgw::upstream_body;
using nlohmann::json;

namespace {

std::string error_of(const std::string& text, Endpoint endpoint = Endpoint::chat) {
  try {
    parse_client_request(text, endpoint);
  } catch (const llmgw::Error& error) {
    CHECK(error.kind() == llmgw::ErrorKind::invalid);
    return error.what();
  }
  return "no error";
}

// `text` parsed, counting the top-level "model" keys as written.
json parse_counting_models(const std::string& text, int& models) {
  models = 0;
  return json::parse(text, [&models](int level, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && level == 1 && parsed == "model") {
      ++models;
    }
    return true;
  });
}

void check_rewrite(const std::string& text) {
  INFO(text);
  const ClientRequest request = parse_client_request(text, Endpoint::chat);
  const std::string sent = upstream_body(request, "up/stream \"model\"");
  INFO(sent);
  int models = 0;
  json received = parse_counting_models(sent, models);
  CHECK(models == 1);
  json expected = json::parse(text);
  expected["model"] = "up/stream \"model\"";
  if (request.stream) {
    expected["stream_options"]["include_usage"] = true;
  }
  CHECK(received == expected);
}

}  // namespace

TEST_CASE("client request: the upstream body is the client's with the model replaced") {
  const char* bodies[] = {
      R"({"model":"a","messages":[{"role":"user","content":"hi"}]})",
      "\xEF\xBB\xBF { \"model\" : \"a\" ,\n \"messages\" : [ { \"role\" : \"user\" } ] , \"top_p\" : 1.50 } ",
      R"({"model":"a","messages":[{"role":"user"}],"model":"b"})",
      R"({"mod\u0065l":"a","messages":[{"role":"user"}],"model":"b","mod\u0065l":"c"})",
      R"({"model":"a","messages":[{"role":"user","role":"system"}],"temperature":0.7,"big":1e300})",
      R"({"model":"a","messages":[{"content":"\ud83d\ude00 \u0000 \"q\""}],"x":18446744073709551616})",
      R"({"model":"a","messages":[{}],"stream":true})",
      R"({"model":"a","messages":[{}],"stream":true,"stream_options":null})",
      R"({"model":"a","messages":[{}],"stream":true,"stream_options":{}})",
      R"({"model":"a","messages":[{}],"stream":true,"stream_options":{"include_usage":false}})",
      R"({"model":"a","messages":[{}],"stream":true,"stream_options":{"include_usage":false,"x":[1],"include_usage":"no"}})",
      R"({"model":"a","messages":[{}],"stream":true,"stream_options":{"a":1},"stream_options":{"b":2}})",
      R"({"model":"a","messages":[{}],"stream":false,"stream_options":{"include_usage":false}})",
      R"({"model":"a","stream":true,"messages":[{}],"stream":false})",
  };
  for (const char* body : bodies) {
    check_rewrite(body);
  }
}

TEST_CASE("client request: fields are read as the last of repeated keys") {
  ClientRequest request = parse_client_request(
      R"({"model":"a","messages":[{}],"stream":false,"max_tokens":5,"model":"b","stream":true,)"
      R"("stream_options":{"include_usage":false,"include_usage":true}})",
      Endpoint::chat);
  CHECK(request.model == "b");
  CHECK(request.stream);
  CHECK(request.include_usage);
  CHECK(request.max_tokens == 5);
  CHECK(parse_client_request(R"({"mod\u0065l":"x\u00e9","messages":[{}]})", Endpoint::chat).model ==
        "x\xC3\xA9");
}

TEST_CASE("client request: max tokens are integers as nlohmann/json reads them") {
  auto max_tokens = [](const std::string& value) {
    return parse_client_request(R"({"model":"a","messages":[{}],"max_tokens":)" + value + "}",
                                Endpoint::chat)
        .max_tokens;
  };
  CHECK(max_tokens("0") == 0);
  CHECK(max_tokens("-0") == 0);
  CHECK(max_tokens("9223372036854775807") == INT64_MAX);
  CHECK(max_tokens("null") == std::nullopt);
  for (const char* refused : {"-1", "9223372036854775808", "18446744073709551615",
                              "18446744073709551616", "1.0", "1e2", "\"5\"", "true", "[]"}) {
    INFO(refused);
    CHECK(error_of(R"({"model":"a","messages":[{}],"max_tokens":)" + std::string(refused) + "}") ==
          "'max_tokens' must be a non-negative integer");
  }
  // Both are checked, and the larger is the limit (providers differ in which they obey).
  auto both = [](const char* completion, const char* legacy) {
    return std::string(R"({"model":"a","messages":[{}],"max_completion_tokens":)") + completion +
           R"(,"max_tokens":)" + legacy + "}";
  };
  CHECK(parse_client_request(both("7", "3"), Endpoint::chat).max_tokens == 7);
  CHECK(parse_client_request(both("0", "100000"), Endpoint::chat).max_tokens == 100000);
  CHECK(parse_client_request(both("null", "5"), Endpoint::chat).max_tokens == 5);
  CHECK(error_of(both("5", "\"lots\"")) == "'max_tokens' must be a non-negative integer");
  CHECK(error_of(both("5", "-5")) == "'max_tokens' must be a non-negative integer");
  CHECK(error_of(R"({"model":"a","messages":[{}],"max_completion_tokens":-2})") ==
        "'max_completion_tokens' must be a non-negative integer");
}

TEST_CASE("client request: each malformed body gets its own message") {
  CHECK(error_of("{\"model\":\"a\",") == "request body is not valid JSON");
  CHECK(error_of("{\"model\":\"\xFF\",\"messages\":[{}]}") == "request body is not valid JSON");
  CHECK(error_of(std::string(65, '[') + std::string(65, ']')) ==
        "request body nests deeper than 64 levels");
  CHECK(error_of("[]") == "request body must be a JSON object");
  CHECK(error_of(R"({"messages":[{}]})") == "'model' is required and must be a non-empty string");
  CHECK(error_of(R"({"model":"","messages":[{}]})") ==
        "'model' is required and must be a non-empty string");
  CHECK(error_of(R"({"model":5,"messages":[{}]})") ==
        "'model' is required and must be a non-empty string");
  CHECK(error_of(R"({"model":"a","messages":[]})") ==
        "'messages' is required and must be a non-empty array");
  CHECK(error_of(R"({"model":"a","messages":{}})") ==
        "'messages' is required and must be a non-empty array");
  CHECK(error_of(R"({"model":"a","messages":[{}, "x"]})") ==
        "each item of 'messages' must be an object");
  CHECK(error_of(R"({"model":"a","messages":[{}],"stream":"yes"})") == "'stream' must be a boolean");
  CHECK(error_of(R"({"model":"a","messages":[{}],"stream_options":[]})") ==
        "'stream_options' must be an object");
  CHECK(error_of(R"({"model":"a","messages":[{}],"Model":"b"})") ==
        "'Model' differs from the field 'model' only in case; use 'model'");
  CHECK(error_of(R"({"model":"a","input":5})", Endpoint::embeddings) ==
        "'input' is required and must be a string or an array");
  // A C-string parser upstream would read "model\u0000" as a second "model".
  CHECK(error_of(R"({"model\u0000":"b","model":"a","messages":[{}]})") ==
        "object keys must not contain the character U+0000");
  CHECK(error_of(R"({"model":"a","messages":[{}],"stream":true,"stream_options":{"include_usage\u0000":false}})") ==
        "object keys must not contain the character U+0000");
  CHECK(parse_client_request(R"({"model":"a","messages":[{"role\u0000":"x"}]})", Endpoint::chat).model == "a");
}

TEST_CASE("client request: the prompt bound counts every member but model and stream, a token a byte") {
  // Each member as written: its key, a colon, its value and a separator.
  const std::vector<std::pair<std::string, std::string>> counted = {
      {R"("messages")", R"([{"role":"user","content":"Gr\u00fc\u00dfe"}, {"role":"system","content":"be brief"}])"},
      {R"("response_format")", R"({"type":"json_schema","json_schema":{"name":"x"}})"},
      {R"("documents")", R"([ "one", "two" ])"},
      {R"("max_tokens")", "12"},
  };
  std::string text = R"({"model":"m", "stream":true, "stream_options":{"include_usage":true})";
  std::int64_t bytes = 0;
  for (const auto& [key, value] : counted) {
    text += " , " + key + " : " + value;
    bytes += static_cast<std::int64_t>(key.size() + value.size() + 2);
  }
  text += "}";
  const ClientRequest request = parse_client_request(text, Endpoint::chat);
  CHECK(request.prompt_tokens_estimate == bytes);
  CHECK_FALSE(request.unbounded);
  CHECK(parse_client_request(R"({"model":"m","input":[ "one", "two" ]})", Endpoint::embeddings)
            .prompt_tokens_estimate == static_cast<std::int64_t>(std::string(R"("input"[ "one", "two" ])").size() + 2));
}

TEST_CASE("client request: tools add the tool-use allowance, each image part its worst case") {
  const std::string messages = R"([{"role":"user","content":[{"type":"text","text":"what?"},)"
                               R"({"type":"image_url","image_url":{"url":"https://x/a.png"}},)"
                               R"({"type":"input_image","image_url":"data:image/png;base64,AAAA"},)"
                               R"({"type":"image","source":{"type":"url","url":"https://x/b.png"}},)"
                               R"({"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}])";
  const std::string tools = R"([{"type":"function","function":{"name":"f"}}])";
  const std::int64_t messages_bytes = static_cast<std::int64_t>(messages.size() + 12);  // "messages":…,
  const std::int64_t tools_bytes = static_cast<std::int64_t>(tools.size() + 9);         // "tools":…,
  CHECK(parse_client_request(R"({"model":"m","messages":)" + messages + "}", Endpoint::chat)
            .prompt_tokens_estimate == messages_bytes + 3 * llmgw::k_image_part_tokens);
  const ClientRequest with_tools = parse_client_request(
      R"({"model":"m","messages":)" + messages + R"(,"tools":)" + tools + "}", Endpoint::chat);
  CHECK(with_tools.prompt_tokens_estimate ==
        messages_bytes + tools_bytes + llmgw::k_tool_use_tokens + 3 * llmgw::k_image_part_tokens);
  CHECK_FALSE(with_tools.unbounded);
  // Empty tools or functions are only their bytes.
  CHECK(parse_client_request(R"({"model":"m","messages":[{}],"tools":[ ],"functions":{}})",
                             Endpoint::chat)
            .prompt_tokens_estimate == 16 + 12 + 15);
  CHECK(parse_client_request(R"({"model":"m","messages":[{}],"functions":[{"name":"f"}]})",
                             Endpoint::chat)
            .prompt_tokens_estimate == 16 + 27 + llmgw::k_tool_use_tokens);
}

TEST_CASE("client request: what no bound covers is named") {
  auto unbounded = [](const std::string& fields) {
    return parse_client_request(R"({"model":"m",)" + fields + "}", Endpoint::chat)
        .unbounded.value_or("bounded");
  };
  const std::string parts_only =
      ", whose cost llmgw cannot bound: a key with a spending limit may send only text, image, "
      "audio, tool call, tool result and thinking parts";
  CHECK(unbounded(R"("messages":[{"role":"user","content":"hi"},{"role":"user","content":[)"
                  R"({"type":"text","text":"x"},{"type":"file","file":{"file_id":"file-1"}}]}])") ==
        "messages[1].content[1] has type 'file'" + parts_only);
  CHECK(unbounded(R"("messages":[{"content":[{"text":"x"}]}])") ==
        "messages[0].content[0] has no 'type'" + parts_only);
  CHECK(unbounded(R"("messages":[{"content":["x"]}])") ==
        "messages[0].content[0] has no 'type'" + parts_only);
  CHECK(unbounded(R"("messages":[{"content":[{"type":"input_audio","input_audio":{"url":"https://x"}}]}])") ==
        "messages[0].content[0] is audio without inline 'data'" + parts_only);
  CHECK(unbounded(R"("messages":[{"content":"hi"}],"modalities":["text","audio"])") ==
        "'modalities' asks for audio output, whose cost llmgw cannot bound: a key with a "
        "spending limit may ask for text only");
  CHECK(unbounded(R"("messages":[{"content":[{"type":"refusal","refusal":"no"}]}],"modalities":["text"])") ==
        "bounded");
  // A provider may read the first of repeated keys where llmgw reads the last: a file
  // part behind a text content, an image behind a text type, a URL behind inline audio.
  const std::string ambiguous =
      ", whose cost llmgw cannot bound: a provider may read another member than llmgw does";
  CHECK(unbounded(R"("messages":[{"content":[{"type":"file","file":{"file_id":"f"}}],"content":"x"}])") ==
        "messages[0] has the key 'content' more than once" + ambiguous);
  CHECK(unbounded(R"("messages":[{"content":[{"type":"image_url","image_url":{"url":"https://x"},"type":"text","text":"x"}]}])") ==
        "messages[0].content[0] has the key 'type' more than once" + ambiguous);
  // A case-blind provider (Go's encoding/json) reads "Content" and "\u017Fype" as content
  // and type.
  CHECK(unbounded(R"("messages":[{"role":"user","content":"hi","Content":[{"type":"image_url","image_url":{"url":"https://x"}}]}])") ==
        "messages[0] has the key 'Content', which a case-blind reader takes for 'content'" + ambiguous);
  CHECK(unbounded(R"("messages":[{"content":[{"type":"text","text":"x","Type":"file"}]}])") ==
        "messages[0].content[0] has the key 'Type', which a case-blind reader takes for 'type'" + ambiguous);
  // A parser of C strings (cJSON) reads "content\u0000" as a second "content".
  CHECK(unbounded(R"("messages":[{"content\u0000":[{"type":"file","file":{"file_id":"f"}}],"content":"hi"}])") ==
        "messages[0] has a key with the character U+0000, where a reader of C strings ends "
        "it" + ambiguous);
  CHECK(unbounded(R"("messages":[{"content":[{"type":"input_audio","input_audio":{"url":"https://x","data":"x","data":"y"}}]}])") ==
        "messages[0].content[0] is audio without inline 'data'" + parts_only);
  CHECK(unbounded(R"("messages":[{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],"messages":[{"content":"x"}])") ==
        "bounded");  // repeated at the top: the upstream receives only the last
  // A type no longer than a log line allows is quoted whole; a longer one cut.
  CHECK(unbounded(R"("messages":[{"content":[{"type":")" + std::string(300, 'x') + R"("}]}])") ==
        "messages[0].content[0] has type '" + std::string(256, 'x') + "...[truncated]'" + parts_only);
}

TEST_CASE("client request: n and best_of multiply the output") {
  CHECK(parse_client_request(R"({"model":"m","messages":[{}]})", Endpoint::chat).choices == 1);
  CHECK(parse_client_request(R"({"model":"m","messages":[{}],"n":50})", Endpoint::chat).choices == 50);
  CHECK(parse_client_request(R"({"model":"m","messages":[{}],"n":2,"best_of":5})", Endpoint::chat)
            .choices == 5);
  CHECK(parse_client_request(R"({"model":"m","messages":[{}],"n":null})", Endpoint::chat).choices == 1);
  CHECK(error_of(R"({"model":"m","messages":[{}],"n":0})") == "'n' must be an integer of at least 1");
  CHECK(error_of(R"({"model":"m","messages":[{}],"n":1.5})") == "'n' must be an integer of at least 1");
  CHECK(error_of(R"({"model":"m","messages":[{}],"best_of":"3"})") ==
        "'best_of' must be an integer of at least 1");
  CHECK(error_of(R"({"model":"m","messages":[{}],"best_of":-2})") ==
        "'best_of' must be an integer of at least 1");
  CHECK(error_of(R"({"model":"m","messages":[{}],"N":3})") ==
        "'N' differs from the field 'n' only in case; use 'n'");
  // Fields the prompt bound reads, too.
  CHECK(error_of(R"({"model":"m","messages":[{}],"Tools":[{"type":"function"}]})") ==
        "'Tools' differs from the field 'tools' only in case; use 'tools'");
  CHECK(error_of(R"({"model":"m","messages":[{}],"Modalities":["audio"]})") ==
        "'Modalities' differs from the field 'modalities' only in case; use 'modalities'");
}

TEST_CASE("client request: members per object and messages are capped") {
  auto members = [](std::size_t count) {
    std::string text = R"({"model":"m","messages":[{"role":"user")";
    for (std::size_t i = 1; i < count; ++i) {
      text += ",\"k" + std::to_string(i) + "\":1";
    }
    return text + "}]}";
  };
  CHECK(parse_client_request(members(10000), Endpoint::chat).model == "m");
  CHECK(error_of(members(10001)) == "an object in the request body has more than 10000 members");
  auto repeated = [](std::size_t count) {  // repeated keys count
    std::string text = R"({"model":"m","messages":[{}])";
    for (std::size_t i = 2; i < count; ++i) {
      text += R"(,"x":1)";
    }
    return text + "}";
  };
  CHECK(parse_client_request(repeated(10000), Endpoint::chat).model == "m");
  CHECK(error_of(repeated(10001)) == "an object in the request body has more than 10000 members");
  auto messages = [](std::size_t count) {
    std::string text = R"({"model":"m","messages":[{})";
    for (std::size_t i = 1; i < count; ++i) {
      text += ",{}";
    }
    return text + "]}";
  };
  CHECK(parse_client_request(messages(100000), Endpoint::chat).model == "m");
  CHECK(error_of(messages(100001)) == "'messages' has more than 100000 items");
}

TEST_CASE("client request: a Messages request needs max_tokens and goes upstream with only "
          "its model replaced") {
  const std::string text =
      R"({"model":"claude","max_tokens":1024,"stream":true,"system":[{"type":"text",)"
      R"("text":"be brief","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user",)"
      R"("content":"hi"}],"metadata":{"user_id":"u1"}})";
  const ClientRequest request = parse_client_request(text, Endpoint::messages);
  CHECK(request.stream);
  CHECK(request.max_tokens == 1024);
  CHECK(request.choices == 1);
  CHECK_FALSE(request.unbounded);
  // No stream_options: Anthropic has none, and its stream always carries the usage.
  CHECK(upstream_body(request, "claude-up") ==
        R"({"model":"claude-up","max_tokens":1024,"stream":true,"system":[{"type":"text",)"
        R"("text":"be brief","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user",)"
        R"("content":"hi"}],"metadata":{"user_id":"u1"}})");
  const std::string required = "'max_tokens' is required and must be an integer of at least 1";
  for (const char* max_tokens : {"", R"(,"max_tokens":0)", R"(,"max_tokens":null)",
                                 R"(,"max_tokens":"5")", R"(,"max_tokens":2.5)"}) {
    CHECK(error_of(R"({"model":"c","messages":[{"role":"user","content":"x"}])" +
                       std::string(max_tokens) + "}",
                   Endpoint::messages) == required);
  }
  CHECK(error_of(R"({"model":"c","max_tokens":5,"messages":[]})", Endpoint::messages) ==
        "'messages' is required and must be a non-empty array");
  CHECK(error_of(R"({"model":"c","max_tokens":5,"System":"x","messages":[{"content":"x"}]})",
                 Endpoint::messages) ==
        "'System' differs from the field 'system' only in case; use 'system'");
}

TEST_CASE("client request: Anthropic's conversation blocks are bounded by their bytes, and "
          "the images of a tool result count") {
  auto parsed = [](const std::string& content) {
    return parse_client_request(
        R"({"model":"c","max_tokens":5,"messages":[{"role":"user","content":)" + content + "}]}",
        Endpoint::messages);
  };
  const std::string blocks =
      R"([{"type":"thinking","thinking":"hmm","signature":"c2ln"},)"
      R"({"type":"redacted_thinking","data":"ZW5j"},)"
      R"({"type":"tool_use","id":"toolu_1","name":"ls","input":{"path":"."}},)"
      R"({"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a"},)"
      R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}])";
  const ClientRequest request = parsed(blocks);
  CHECK_FALSE(request.unbounded);
  const ClientRequest text_only = parsed(R"("x")");
  // The bytes of the body, and one image's worst case.
  CHECK(request.prompt_tokens_estimate - text_only.prompt_tokens_estimate ==
        static_cast<std::int64_t>(blocks.size() - 3) + llmgw::k_image_part_tokens);
  CHECK(parsed(R"([{"type":"tool_result","tool_use_id":"t","content":[{"type":"document",)"
               R"("source":{"type":"url","url":"https://x"}}]}])")
            .unbounded.value_or("bounded") ==
        "messages[0].content[0].content[0] has type 'document', whose cost llmgw cannot "
        "bound: a key with a spending limit may send only text, image, audio, tool call, tool "
        "result and thinking parts");
}

TEST_CASE("client request: a Responses request reads input and max_output_tokens, and goes "
          "upstream with only its model replaced") {
  const std::string text =
      R"({"model":"gpt","instructions":"be brief","stream":true,"max_output_tokens":300,)"
      R"("input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]}],"store":false})";
  const ClientRequest request = parse_client_request(text, Endpoint::responses);
  CHECK(request.stream);
  CHECK(request.max_tokens == 300);
  CHECK_FALSE(request.unbounded);
  // No stream_options: the Responses stream always ends with its usage.
  CHECK(upstream_body(request, "gpt-up") ==
        R"({"model":"gpt-up","instructions":"be brief","stream":true,"max_output_tokens":300,)"
        R"("input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]}],)"
        R"("store":false})");
  CHECK_FALSE(parse_client_request(R"({"model":"gpt","input":"hi"})", Endpoint::responses)
                  .max_tokens);
  CHECK(error_of(R"({"model":"gpt","input":{"role":"user"}})", Endpoint::responses) ==
        "'input' is required and must be a string or an array");
  CHECK(error_of(R"({"model":"gpt","input":"hi","max_output_tokens":-1})",
                 Endpoint::responses) == "'max_output_tokens' must be a non-negative integer");
  CHECK(error_of(R"({"model":"gpt","input":"hi","stream":"yes"})", Endpoint::responses) ==
        "'stream' must be a boolean");
  CHECK(error_of(R"({"model":"gpt","input":"hi","background":true})", Endpoint::responses) ==
        "'background' responses are not supported: llmgw bills a response when it ends, and a "
        "background one ends out of its sight");
  // false and null are no background response, and no stored state.
  CHECK_NOTHROW(parse_client_request(
      R"({"model":"gpt","input":"hi","background":false,"previous_response_id":null,)"
      R"("instructions":null})",
      Endpoint::responses));
  // Instructions as items (an image among them) would escape the prompt bound.
  CHECK(error_of(R"({"model":"gpt","input":"hi","instructions":[{"role":"user","content":[)"
                 R"({"type":"input_image","image_url":"https://example.com/a.png"}]}]})",
                 Endpoint::responses) ==
        "'instructions' must be a string; send other items in 'input'");
}

TEST_CASE("client request: a Responses input is bounded item by item: messages, tool calls, "
          "their outputs and reasoning by their bytes, each image its worst case") {
  auto parsed = [](const std::string& items) {
    return parse_client_request(R"({"model":"gpt","input":)" + items + "}", Endpoint::responses);
  };
  const std::string items =
      R"([{"type":"message","role":"user","content":[{"type":"input_text","text":"a"},)"
      R"({"type":"input_image","image_url":"data:image/png;base64,AA=="}]},)"
      R"({"role":"assistant","content":[{"type":"output_text","text":"b"}]},)"
      R"({"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"ZW5j"},)"
      R"({"type":"function_call","call_id":"c1","name":"ls","arguments":"{}"},)"
      R"({"type":"function_call_output","call_id":"c1","output":[{"type":"input_text",)"
      R"("text":"x"},{"type":"input_image","image_url":"https://x/y.png"}]}])";
  const ClientRequest request = parsed(items);
  CHECK_FALSE(request.unbounded);
  const ClientRequest text_only = parsed(R"("x")");
  CHECK(request.prompt_tokens_estimate - text_only.prompt_tokens_estimate ==
        static_cast<std::int64_t>(items.size() - 3) + 2 * llmgw::k_image_part_tokens);
  const std::string stored = ": llmgw cannot tie a stored item to the key that stored it; send "
                             "the item itself";
  CHECK(error_of(R"({"model":"gpt","input":[{"role":"user","content":"x"},)"
                 R"({"type":"item_reference","id":"msg_1"}]})",
                 Endpoint::responses) == "input[1] is an item_reference" + stored);
  CHECK(error_of(R"({"model":"gpt","input":[{"id":"msg_1"}]})", Endpoint::responses) ==
        "input[0] has neither 'type' nor 'role', which the provider reads as a reference" + stored);
  CHECK(error_of(R"({"model":"gpt","input":[{"type":null,"id":"msg_1"}]})", Endpoint::responses) ==
        "input[0] has neither 'type' nor 'role', which the provider reads as a reference" + stored);
  CHECK(error_of(R"({"model":"gpt","input":[{"type":"reasoning","id":"rs_1","summary":[]}]})",
                 Endpoint::responses) ==
        "input[0] is reasoning without 'encrypted_content', which the provider reads from its "
        "store" + stored);
  CHECK(parsed(R"([{"type":"web_search_call","id":"ws_1"}])").unbounded.value_or("bounded") ==
        "input[0] has type 'web_search_call', whose cost llmgw cannot bound: a key with a "
        "spending limit may send only messages, function and custom tool calls, their "
        "outputs, and reasoning");
  CHECK(parsed(R"([{"role":"user","content":[{"type":"input_file","file_id":"f1"}]}])")
            .unbounded.value_or("bounded") ==
        "input[0].content[0] has type 'input_file', whose cost llmgw cannot bound: a key with "
        "a spending limit may send only text, image, audio, tool call, tool result and "
        "thinking parts");
  CHECK(parsed(R"([{"type":"function_call","name":"a","Name":"b","arguments":"{}"}])")
            .unbounded.value_or("bounded") ==
        "input[0] has the key 'Name', which a case-blind reader takes for 'name', whose cost "
        "llmgw cannot bound: a provider may read another member than llmgw does");
}
