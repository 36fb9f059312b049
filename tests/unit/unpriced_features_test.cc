// What a Messages or Responses request may ask for that the provider bills beyond its tokens
// (core/wire/unpriced_features.h): named, so that a key with a spending limit is refused it.
#include "core/wire/client_request.h"
#include "core/wire/unpriced_features.h"

#include <doctest/doctest.h>

#include <string>

using llmgw::Endpoint;
using llmgw::parse_client_request;

namespace {

// Why a Messages body with `fields` is unbounded, or "bounded".
std::string unbounded(const std::string& fields) {
  return parse_client_request(
             R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":"x"}])" +
                 fields + "}",
             Endpoint::messages)
      .unbounded.value_or("bounded");
}

const std::string k_why =
    ", which Anthropic may bill beyond its tokens: a key with a spending limit may not use it";

}  // namespace

TEST_CASE("unpriced features: server tools, MCP, containers, compaction, speed and region "
          "are named, custom tools and clearing edits are bounded") {
  CHECK(unbounded(R"(,"tools":[{"name":"ls","input_schema":{"type":"object"}},)"
                  R"({"type":"custom","name":"cat","input_schema":{}}])") == "bounded");
  CHECK(unbounded(R"(,"tools":[{"name":"ls","input_schema":{}},)"
                  R"({"type":"web_search_20250305","name":"web_search","max_uses":50}])") ==
        "tools[1] has type 'web_search_20250305'" + k_why + "; send custom tools only");
  CHECK(unbounded(R"(,"mcp_servers":[{"type":"url","url":"https://x"}])") ==
        "'mcp_servers' is set" + k_why);
  CHECK(unbounded(R"(,"container":"c1")") == "'container' is set" + k_why);
  CHECK(unbounded(R"(,"inference_geo":"us")") == "'inference_geo' is set" + k_why);
  CHECK(unbounded(R"(,"speed":"fast")") == "'speed' is not \"standard\"" + k_why);
  CHECK(unbounded(R"(,"speed":"standard","container":null)") == "bounded");
  // What Claude Code sends: clearing old thinking, which only shrinks the prompt.
  CHECK(unbounded(R"(,"context_management":{"edits":[{"type":"clear_thinking_20251015",)"
                  R"("keep":"all"},{"type":"clear_tool_uses_20250919"}]})") == "bounded");
  CHECK(unbounded(R"(,"context_management":{"edits":[{"type":"compact_20260112"}]})") ==
        "context_management.edits[0] has type 'compact_20260112'" + k_why);
  // Chat requests are not Anthropic's: their typed tools are functions.
  CHECK(parse_client_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
                             R"("tools":[{"type":"function","function":{"name":"f"}}]})",
                             Endpoint::chat)
            .unbounded.value_or("bounded") == "bounded");
}

TEST_CASE("unpriced features: the long-context beta is named among the client's betas") {
  CHECK_FALSE(llmgw::unpriced_beta("claude-code-20250219,interleaved-thinking-2025-05-14"));
  CHECK(llmgw::unpriced_beta("claude-code-20250219, context-1m-2025-08-07").value_or("") ==
        "anthropic-beta 'context-1m-2025-08-07' asks for long-context prices the catalog does "
        "not hold: a key with a spending limit may not use it");
}

TEST_CASE("unpriced features: a tool or edit whose keys a provider may read otherwise is named, "
          "and betas are matched without regard to case") {
  const std::string ambiguous =
      ", which a provider may read otherwise: a key with a spending limit may not send it";
  CHECK(unbounded(R"(,"tools":[{"Type":"web_search_20250305","name":"w"}])") ==
        "tools[0] has the key 'Type'" + ambiguous);
  CHECK(unbounded(R"(,"tools":[{"type":"web_search_20250305","type":"custom","name":"w"}])") ==
        "tools[0] has the key 'type' more than once" + ambiguous);
  CHECK(unbounded(R"(,"context_management":{"edits":[{"type":"clear_thinking_20251015",)"
                  R"("TYPE":"compact_20260112"}]})") ==
        "context_management.edits[0] has the key 'TYPE'" + ambiguous);
  CHECK(llmgw::unpriced_beta("Context-1M-2025-08-07").has_value());
}

TEST_CASE("unpriced features: a Responses request may use function and custom tools, and "
          "namespaces of them, and built-in tools, stored input and other tiers are named") {
  auto unbounded_response = [](const std::string& fields) {
    return parse_client_request(R"({"model":"m","input":"x")" + fields + "}",
                                Endpoint::responses)
        .unbounded.value_or("bounded");
  };
  const std::string why =
      ", which the provider may bill beyond its tokens: a key with a spending limit may not use "
      "it";
  // As Codex sends them: function tools, a custom one, and a namespace of functions.
  CHECK(unbounded_response(
            R"(,"tools":[{"type":"function","name":"exec","parameters":{}},)"
            R"({"type":"custom","name":"apply_patch"},{"type":"namespace","name":"agents",)"
            R"("tools":[{"type":"function","name":"spawn","parameters":{}}]}])") == "bounded");
  CHECK(unbounded_response(R"(,"tools":[{"type":"function","name":"a"},{"type":"web_search"}])") ==
        "tools[1] has type 'web_search'" + why + "; send function and custom tools only");
  CHECK(unbounded_response(R"(,"tools":[{"type":"namespace","name":"n","tools":[)"
                           R"({"type":"function","name":"a"},{"type":"file_search"}]}])") ==
        "tools[0].tools[1] has type 'file_search'" + why + "; send function and custom tools "
                                                           "only");
  CHECK(unbounded_response(R"(,"prompt":{"id":"pmpt_1"})") ==
        "'prompt' is set, which brings in stored input whose cost llmgw cannot bound: a key "
        "with a spending limit may not use it");
  CHECK(unbounded_response(R"(,"service_tier":"flex")") ==
        "'service_tier' is not \"auto\" or \"default\"" + why);
  CHECK(unbounded_response(R"(,"service_tier":"default")") == "bounded");
}
