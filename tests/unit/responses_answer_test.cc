// What llmgw reads of a Responses answer (core/wire/responses_answer.h): the usage in the event
// that ends a stream, and the response id.
#include "core/wire/responses_answer.h"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("response_end_usage: only the event that ends a response carries its usage") {
  auto end_usage = [](const std::string& event) {
    const auto members = llmgw::json_object_members(event, llmgw::k_max_response_depth);
    REQUIRE(members);
    return llmgw::response_end_usage(*members);
  };
  const std::string usage =
      R"("usage":{"input_tokens":50,"input_tokens_details":{"cached_tokens":20},)"
      R"("output_tokens":9,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":59})";
  for (const char* type : {"response.completed", "response.incomplete", "response.failed"}) {
    CAPTURE(type);
    const auto read =
        end_usage(std::string(R"({"type":")") + type + R"(","response":{"id":"r",)" + usage + "}}");
    REQUIRE(read);
    CHECK(read->prompt == 50);
    CHECK(read->cached == 20);
    CHECK(read->completion == 9);
  }
  CHECK_FALSE(end_usage(R"({"type":"response.in_progress","response":{)" + usage + "}}"));
  CHECK_FALSE(end_usage(R"({"type":"response.completed","response":{"usage":null}})"));
  CHECK_FALSE(end_usage(R"({"type":"response.completed","response":"x"})"));
  // An escape spells the same type, as a client's parser reads it.
  CHECK(end_usage(R"({"type":"response.complete\u0064","response":{)" + usage + "}}"));
  CHECK(llmgw::ends_response("response.failed"));
  CHECK_FALSE(llmgw::ends_response("response.created"));
}

TEST_CASE("response_id: a plain id of a response object, in a whole answer or a stream "
          "event, else none") {
  auto members = [](const std::string& text) {
    auto read = llmgw::json_object_members(text, llmgw::k_max_response_depth);
    REQUIRE(read);
    return *read;
  };
  CHECK(llmgw::response_id(members(R"({"id":"resp_01-AbZ","object":"response"})")) ==
        "resp_01-AbZ");
  CHECK(llmgw::event_response_id(
            members(R"({"type":"response.created","response":{"id":"resp_9"}})")) == "resp_9");
  for (const char* answer :
       {R"({"id":""})", R"({"id":7})", R"({"id":"resp 1"})", R"({"id":"resp\u005f1"})",
        R"({"id":"resp/../x"})", R"({"object":"response"})"}) {
    CAPTURE(answer);
    CHECK(llmgw::response_id(members(answer)).empty());
  }
  CHECK(llmgw::response_id(members(R"({"id":")" + std::string(128, 'a') + "\"}")).size() ==
        128);
  CHECK(llmgw::response_id(members(R"({"id":")" + std::string(129, 'a') + "\"}")).empty());
  CHECK(llmgw::event_response_id(members(R"({"type":"response.output_text.delta"})")).empty());
}

TEST_CASE("has_provider_tool_call: a call of a tool the provider runs, not one the client "
          "runs") {
  auto calls = [](const std::string& output) {
    // The members are slices of the text: it is kept while they are read.
    const std::string response = R"({"output":)" + output + "}";
    const auto members = llmgw::json_object_members(response, llmgw::k_max_response_depth);
    REQUIRE(members);
    return llmgw::has_provider_tool_call(*members);
  };
  for (const char* type : {"web_search_call", "file_search_call", "code_interpreter_call",
                           "image_generation_call", "web_search_c\\u0061ll"}) {
    CAPTURE(type);
    CHECK(calls(std::string(R"([{"type":"message"},{"type":")") + type + R"("}])"));
  }
  CHECK_FALSE(calls(R"([{"type":"message"},{"type":"function_call"},{"type":"reasoning"}])"));
  CHECK_FALSE(calls(R"([])"));
  CHECK_FALSE(calls(R"("web_search_call")"));
  const auto event = llmgw::json_object_members(
      R"({"type":"response.completed","response":{"output":[{"type":"file_search_call"}]}})",
      llmgw::k_max_response_depth);
  REQUIRE(event);
  CHECK(llmgw::event_has_provider_tool_call(*event));
}
