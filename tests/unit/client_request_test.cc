// A client's body read in place and rewritten for the upstream (core/client_request.h).
// What the upstream is sent must parse to the client's document with only `model` and,
// when streaming, stream_options.include_usage changed, and hold one "model" key.
#include "core/client_request.h"

#include "core/error.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using llmgw::ClientRequest;
using llmgw::Endpoint;
using llmgw::estimate_tokens;
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
      "\xEF\xBB\xBF { \"model\" : \"a\" ,\n \"messages\" : [ { \"role\" : \"user\" } ] , \"n\" : 1.50 } ",
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

TEST_CASE("client request: the prompt estimate counts the messages' bytes as written") {
  const std::string messages[] = {R"({"role":"user","content":"Hello, how are you?"})",
                                  R"({ "role" : "user", "content" : "Gr\u00fc\u00dfe \"x\"" })",
                                  R"({"role":"assistant","content":null,"n":[1, 2.50, -3e2]})"};
  std::string text = R"({"model":"m","messages":[)";
  std::size_t bytes = 0;
  for (const std::string& message : messages) {
    text += (bytes ? " , " : "") + message;
    bytes += message.size();
  }
  text += "]}";
  CHECK(parse_client_request(text, Endpoint::chat).prompt_tokens_estimate ==
        estimate_tokens(bytes));
  CHECK(parse_client_request(R"({"model":"m","input":[ "one", "two" ]})", Endpoint::embeddings)
            .prompt_tokens_estimate == estimate_tokens(std::string(R"([ "one", "two" ])").size()));
}
