// The usage of a Responses stream, in the event that ends it (core/responses_usage.h).
#include "core/responses_usage.h"

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
  CHECK_FALSE(end_usage(R"({"type":"response.complete\u0064","response":{)" + usage + "}}"));
  CHECK(llmgw::ends_response("response.failed"));
  CHECK_FALSE(llmgw::ends_response("response.created"));
}
