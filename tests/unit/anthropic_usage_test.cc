// Anthropic's usage read into llmgw's token model (core/wire/anthropic_usage.h), and what it
// costs (cost_of, core/wire/token_usage.h): input_tokens exclude cache reads and writes, which
// are added to the prompt once, and writes kept an hour are priced apart.
#include "core/wire/anthropic_usage.h"
#include "core/catalog.h"
#include "core/error.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>

#include <string>

using llmgw::AnthropicUsage;
using llmgw::Mapping;
using llmgw::Price;
using llmgw::TokenUsage;

namespace {

// The usage of the events (or one answer), each a JSON object text, read in order.
std::optional<TokenUsage> usage_of(const std::vector<std::string>& objects) {
  AnthropicUsage usage;
  for (const std::string& text : objects) {
    const auto members = llmgw::json_object_members(text, llmgw::k_max_response_depth);
    REQUIRE(members);
    usage.add_from(*members);
  }
  return usage.total();
}

std::string counts(const TokenUsage& u) {
  return std::to_string(u.prompt) + " " + std::to_string(u.completion) + " cached " +
         std::to_string(u.cached) + " 5m " + std::to_string(u.cache_write_5m) + " 1h " +
         std::to_string(u.cache_write_1h);
}

// Prices in USD per 1M tokens: input 3, output 15, cache reads 0.3.
Mapping sonnet_like() {
  Mapping m;
  m.provider = "anthropic";
  m.upstream_model = "claude";
  m.input = Price::parse_per_million("3", "input");
  m.output = Price::parse_per_million("15", "output");
  m.cached_input = Price::parse_per_million("0.3", "cached input");
  return m;
}

}  // namespace

TEST_CASE("anthropic usage: a whole answer's usage, cache reads and writes added to the "
          "prompt once") {
  auto usage = usage_of({R"({"id":"msg_1","type":"message","usage":{"input_tokens":20,)"
                         R"("cache_creation_input_tokens":1000,"cache_read_input_tokens":3000,)"
                         R"("output_tokens":50}})"});
  REQUIRE(usage);
  CHECK(counts(*usage) == "4020 50 cached 3000 5m 1000 1h 0");
}

TEST_CASE("anthropic usage: cache_creation says how many writes are kept an hour") {
  auto usage = usage_of({R"({"usage":{"input_tokens":5,"cache_creation_input_tokens":900,)"
                         R"("cache_creation":{"ephemeral_5m_input_tokens":600,)"
                         R"("ephemeral_1h_input_tokens":300},"output_tokens":2}})"});
  REQUIRE(usage);
  CHECK(counts(*usage) == "905 2 cached 0 5m 600 1h 300");
  // More kept an hour than written at all is no valid usage.
  CHECK_FALSE(usage_of({R"({"usage":{"input_tokens":5,"cache_creation_input_tokens":10,)"
                        R"("cache_creation":{"ephemeral_1h_input_tokens":11},"output_tokens":2}})"}));
}

TEST_CASE("anthropic usage: a stream's message_delta counts replace message_start's") {
  const std::string start =
      R"({"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":40,)"
      R"("cache_read_input_tokens":2000,"cache_creation_input_tokens":0,"output_tokens":1}}})";
  const std::string delta =
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},)"
      R"("usage":{"output_tokens":321,"input_tokens":null}})";
  auto usage = usage_of({start, R"({"type":"ping"})", delta});
  REQUIRE(usage);
  CHECK(counts(*usage) == "2040 321 cached 2000 5m 0 1h 0");
  // Without message_start there is no input count: no usage.
  CHECK_FALSE(usage_of({delta}));
}

TEST_CASE("anthropic usage: a count that is not valid makes the whole usage none") {
  for (const char* usage : {R"({"usage":{"input_tokens":-1,"output_tokens":2}})",
                            R"({"usage":{"input_tokens":1.5,"output_tokens":2}})",
                            R"({"usage":{"input_tokens":1,"output_tokens":"2"}})",
                            R"({"usage":{"input_tokens":1,"output_tokens":1000000001}})",
                            R"({"usage":{"input_tokens":1,"output_tokens":2,)"
                            R"("cache_read_input_tokens":true}})",
                            R"({"usage":{"input_tokens":1,"output_tokens":2,"cache_creation":5}})",
                            R"({"usage":[1,2]})"}) {
    CAPTURE(usage);
    CHECK_FALSE(usage_of({usage}));
  }
}

TEST_CASE("cost_of: cache writes at 1.25 and 2 times the input price, reads at their own") {
  const Mapping m = sonnet_like();
  CHECK(m.cache_write_5m().to_string() == "3.75");
  CHECK(m.cache_write_1h().to_string() == "6");
  TokenUsage usage;
  usage.prompt = 1'000'000 + 200'000 + 100'000 + 50'000;
  usage.cached = 200'000;
  usage.cache_write_5m = 100'000;
  usage.cache_write_1h = 50'000;
  usage.completion = 10'000;
  usage.reasoning = 4'000;  // a part of the completion: not billed again
  // 1M uncached x $3 + 200k x $0.3 + 100k x $3.75 + 50k x $6 + 10k x $15, per 1M.
  CHECK(llmgw::cost_of(m, usage).to_usd() == "3.885");
  // Prices the catalog gives replace the defaults.
  Mapping priced = m;
  priced.cache_write_5m_price = Price::parse_per_million("4", "cache write");
  priced.cache_write_1h_price = Price::parse_per_million("5", "cache write 1h");
  CHECK(llmgw::cost_of(priced, usage).to_usd() == "3.86");
  // 1.25 times a price of one picodollar a token rounds up to two.
  Mapping tiny = m;
  tiny.input = Price::from_per_token(1);
  CHECK(tiny.cache_write_5m().per_token() == 2);
}

TEST_CASE("cost_of: refuses counts no usage reader gives") {
  const Mapping m = sonnet_like();
  auto refusal = [&](TokenUsage u) { return test::thrown_by([&] { llmgw::cost_of(m, u); }); };
  CHECK(refusal(TokenUsage{10, 1, 5, 6, 0, 0}) ==
        test::invalid("cache reads and writes must not be more than the prompt tokens"));
  CHECK(refusal(TokenUsage{10, 1, 0, 0, 0, 2}) ==
        test::invalid("reasoning tokens must not be more than the completion tokens"));
  CHECK(refusal(TokenUsage{10, -1, 0, 0, 0, 0}) ==
        test::invalid("token counts must not be negative"));
}

TEST_CASE("anthropic usage: message_start's output count is a placeholder until a "
          "message_delta gives one, and server tool uses and iterations are reported apart") {
  auto read = [](const std::vector<std::string>& objects) {
    AnthropicUsage usage;
    for (const std::string& text : objects) {
      usage.add_from(*llmgw::json_object_members(text, llmgw::k_max_response_depth));
    }
    return usage;
  };
  const std::string start =
      R"({"type":"message_start","message":{"usage":{"input_tokens":4,"output_tokens":1}}})";
  CHECK_FALSE(read({start}).output_final());
  CHECK_FALSE(read({start, R"({"type":"message_delta","usage":{"input_tokens":4}})"})
                  .output_final());
  CHECK(read({start, R"({"type":"message_delta","usage":{"output_tokens":9}})"}).output_final());
  CHECK(read({R"({"type":"message","usage":{"input_tokens":1,"output_tokens":2}})"})
            .output_final());
  CHECK_FALSE(read({start}).has_unpriced());
  CHECK_FALSE(read({R"({"usage":{"input_tokens":1,"output_tokens":2,)"
                    R"("server_tool_use":{"web_search_requests":0},"iterations":[]}})"})
                  .has_unpriced());
  CHECK(read({R"({"usage":{"input_tokens":1,"output_tokens":2,)"
              R"("server_tool_use":{"web_search_requests":3}}})"})
            .has_unpriced());
  CHECK(read({R"({"usage":{"input_tokens":1,"output_tokens":2,"iterations":[{"x":1}]}})"})
            .has_unpriced());
}

TEST_CASE("cost_of: a prompt past the long-context tier prices the whole request at it") {
  Mapping m = sonnet_like();
  m.long_context = llmgw::LongContext{200'000, Price::parse_per_million("6", "input"),
                                      Price::parse_per_million("22.5", "output")};
  TokenUsage at_tier{200'000, 1'000, 0, 0, 0, 0};
  // 200k x $3 + 1k x $15: at the tier, not past it.
  CHECK(llmgw::cost_of(m, at_tier).to_usd() == "0.615");
  // 200,001 prompt tokens, 100k of them cache reads, 1k written for 5 minutes: 99,001 x $6
  // + 100k x $0.3 + 1k x $7.5 (1.25 times the tier's input) + 1k x $22.5, per 1M.
  TokenUsage past{200'001, 1'000, 100'000, 1'000, 0, 0};
  CHECK(llmgw::cost_of(m, past).to_usd() == "0.654006");
}
