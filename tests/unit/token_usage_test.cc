// Reading a response's usage (core/wire/token_usage.h): usage_in() below, usage_among() on the
// text read in place, must say exactly what usage_of() below, the reference written on
// nlohmann/json's parsed document, says: for well-formed bodies, odd ones (keys given
// twice, counts that are not integers, usage where it does not count) and broken ones.
#include "core/wire/token_usage.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using llmgw::TokenUsage;

namespace {

// The usage of a response text as the gateway reads it: in place, within the depth cap.
std::optional<TokenUsage> usage_in(std::string_view text) {
  const auto object = llmgw::json_object_members(text, llmgw::k_max_response_depth);
  return object ? llmgw::usage_among(*object) : std::nullopt;
}

// The reference: the usage as nlohmann/json's parsed document has it, spelled out. A count
// is valid when it is an integer from 0 to k_max_usage_tokens.
std::optional<std::int64_t> count(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end()) {
    return std::nullopt;
  }
  if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    return value <= static_cast<std::uint64_t>(llmgw::k_max_usage_tokens)
               ? std::optional<std::int64_t>(static_cast<std::int64_t>(value))
               : std::nullopt;
  }
  if (found->is_number_integer()) {
    const auto value = found->get<std::int64_t>();
    return value >= 0 && value <= llmgw::k_max_usage_tokens ? std::optional<std::int64_t>(value)
                                                            : std::nullopt;
  }
  return std::nullopt;
}

std::optional<TokenUsage> usage_of(const nlohmann::json& document) {
  if (!document.is_object()) {
    return std::nullopt;
  }
  auto usage = document.find("usage");
  if (usage == document.end() || !usage->is_object()) {
    return std::nullopt;
  }
  TokenUsage tokens;
  const std::optional<std::int64_t> prompt = count(*usage, "prompt_tokens");
  if (!prompt) {
    return std::nullopt;
  }
  tokens.prompt = *prompt;
  if (usage->contains("completion_tokens")) {
    const std::optional<std::int64_t> completion = count(*usage, "completion_tokens");
    if (!completion) {
      return std::nullopt;
    }
    tokens.completion = *completion;
  } else if (count(*usage, "total_tokens") != prompt) {
    return std::nullopt;
  }
  // A part of a count, in a details object: absent or null is none.
  auto part = [&](const char* details_name, const char* name, std::int64_t whole,
                  std::int64_t& out) {
    auto details = usage->find(details_name);
    if (details == usage->end() || details->is_null()) {
      return true;
    }
    if (!details->is_object()) {
      return false;
    }
    auto found = details->find(name);
    if (found == details->end() || found->is_null()) {
      return true;
    }
    const std::optional<std::int64_t> value = count(*details, name);
    if (!value || *value > whole) {
      return false;
    }
    out = *value;
    return true;
  };
  if (!part("prompt_tokens_details", "cached_tokens", tokens.prompt, tokens.cached) ||
      !part("completion_tokens_details", "reasoning_tokens", llmgw::k_max_usage_tokens,
            tokens.reasoning)) {
    return std::nullopt;
  }
  if (tokens.reasoning > 0 &&
      count(*usage, "total_tokens") == tokens.prompt + tokens.completion + tokens.reasoning) {
    tokens.completion += tokens.reasoning;  // reported beside the completion
  }
  if (tokens.reasoning > tokens.completion) {
    return std::nullopt;
  }
  return tokens;
}

std::optional<TokenUsage> from_document(const std::string& text) {
  return usage_of(nlohmann::json::parse(text, nullptr, false));
}

bool same(const std::optional<TokenUsage>& a, const std::optional<TokenUsage>& b) {
  if (!a || !b) {
    return !a && !b;
  }
  return a->prompt == b->prompt && a->completion == b->completion && a->cached == b->cached &&
         a->reasoning == b->reasoning;
}

// A random JSON text built from the names usage_of() looks for, nested a few levels, with
// keys given twice now and then.
class RandomDocument {
public:
  explicit RandomDocument(unsigned seed) : m_random(seed) {}

  std::string next() {
    std::string text;
    value(text, 0, pick(4) == 0 ? 2 : 0);  // mostly an object at the root
    if (pick(8) == 0 && !text.empty()) {  // now and then broken
      std::size_t at = pick(static_cast<unsigned>(text.size()));
      text = pick(2) == 0 ? text.substr(0, at) : text.insert(at, pick(2) == 0 ? "," : "}");
    }
    return text;
  }

private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(m_random); }

  void value(std::string& text, int depth, unsigned kind) {
    static const std::vector<std::string> scalars = {
        "0", "1", "7", "-3", "12.0", "1e3", "\"12\"", "null", "true", "false",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "[]", "{}"};
    if (kind == 0 && depth < 4) {
      object(text, depth);
    } else if (kind == 1 && depth < 4) {
      text += "[";
      for (unsigned i = 0, n = pick(3); i < n; ++i) {
        text += i > 0 ? "," : "";
        value(text, depth + 1, pick(4));
      }
      text += "]";
    } else {
      text += scalars[pick(static_cast<unsigned>(scalars.size()))];
    }
  }

  void object(std::string& text, int depth) {
    static const std::vector<std::string> names = {
        "usage", "prompt_tokens", "completion_tokens", "prompt_tokens_details",
        "cached_tokens", "total_tokens", "choices", "completion_tokens_details",
        "reasoning_tokens"};
    text += "{";
    // Now and then counts that are valid, so that valid usage comes up as well.
    const bool counts = pick(2) == 0;
    if (counts) {
      text += R"("prompt_tokens":7,"completion_tokens":1)";
    }
    for (unsigned i = 0, n = pick(5); i < n; ++i) {
      text += i > 0 || counts ? "," : "";
      text += "\"" + names[pick(static_cast<unsigned>(names.size()))] + "\":";
      value(text, depth + 1, pick(3));
    }
    text += "}";
  }

  std::mt19937 m_random;
};

}  // namespace

TEST_CASE("usage_in: the usage of an OpenAI response, cached tokens included") {
  auto usage = usage_in(
      R"({"id":"x","object":"chat.completion","choices":[{"message":{"content":"hi"}}],)"
      R"("usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,)"
      R"("prompt_tokens_details":{"cached_tokens":4}}})");
  REQUIRE(usage);
  CHECK(usage->prompt == 12);
  CHECK(usage->completion == 7);
  CHECK(usage->cached == 4);
}

TEST_CASE("usage_in: reasoning tokens are a part of the completion, never added to it") {
  auto usage = usage_in(
      R"({"usage":{"prompt_tokens":12,"completion_tokens":70,"total_tokens":82,)"
      R"("completion_tokens_details":{"reasoning_tokens":64},)"
      R"("prompt_tokens_details":{"cached_tokens":null}}})");
  REQUIRE(usage);
  CHECK(usage->completion == 70);
  CHECK(usage->reasoning == 64);
  CHECK(usage->cached == 0);  // null: none reported
  // More reasoning than completion is no valid usage...
  CHECK_FALSE(usage_in(R"({"usage":{"prompt_tokens":1,"completion_tokens":2,)"
                       R"("completion_tokens_details":{"reasoning_tokens":3}}})"));
  // ...unless the total says it comes beside the completion, as xAI reports it.
  auto beside = usage_in(R"({"usage":{"prompt_tokens":10,"completion_tokens":2,)"
                         R"("total_tokens":312,"completion_tokens_details":{"reasoning_tokens":300}}})");
  REQUIRE(beside);
  CHECK(beside->completion == 302);
  CHECK(beside->reasoning == 300);
}

TEST_CASE("usage_in: says what usage_of says of the parsed document, case by case") {
  const std::vector<std::string> cases = {
      R"({"usage":{"prompt_tokens":5,"completion_tokens":2}})",
      R"({"usage":{"prompt_tokens":5,"prompt_tokens":{}}})",           // the last one counts
      R"({"usage":{"prompt_tokens":5},"usage":3})",                    // usage no object
      R"({"usage":3,"usage":{"completion_tokens":4}})",
      R"({"usage":{"prompt_tokens":-4,"completion_tokens":2.0}})",     // clamped, not integer
      R"({"usage":{"prompt_tokens":18446744073709551615}})",
      R"({"usage":{"prompt_tokens":3,"prompt_tokens_details":{"cached_tokens":9}}})",
      R"({"usage":{"prompt_tokens_details":{"cached_tokens":2},"prompt_tokens_details":null,)"
      R"("prompt_tokens":8}})",
      R"({"choices":[{"usage":{"prompt_tokens":1}}],"x":{"usage":{"prompt_tokens":2}}})",
      R"([{"usage":{"prompt_tokens":1}}])",
      R"("usage")",
      R"({"usage":{"prompt_tokens":1}} trailing)",
      R"({"usage":{"prompt_tokens":1})",
      R"({"usage":[{"prompt_tokens":1}]})",
      R"({"usage":{"cached_tokens":3,"prompt_tokens":{"prompt_tokens":4}}})",
      "",
  };
  for (const std::string& text : cases) {
    CAPTURE(text);
    CHECK(same(usage_in(text), from_document(text)));
  }
  CHECK_FALSE(usage_in(R"({"usage":{"prompt_tokens":1})"));  // broken: nothing
  CHECK_FALSE(usage_in(R"({"usage":{"prompt_tokens":5,"prompt_tokens":{}}})"));
}

TEST_CASE("usage_in: usage that is not valid is none, so that the caller estimates it") {
  const std::vector<std::string> invalid = {
      R"({"usage":{"prompt_tokens":5.0,"completion_tokens":2}})",     // a float
      R"({"usage":{"prompt_tokens":5,"completion_tokens":2e0}})",     // an exponent
      R"({"usage":{"prompt_tokens":"5","completion_tokens":2}})",     // a string
      R"({"usage":{"prompt_tokens":-5,"completion_tokens":2}})",      // negative
      R"({"usage":{"prompt_tokens":5,"completion_tokens":-1}})",
      R"({"usage":{"prompt_tokens":null,"completion_tokens":2}})",    // null
      R"({"usage":{"prompt_tokens":5,"completion_tokens":null}})",
      R"({"usage":{"completion_tokens":2}})",                         // missing
      R"({"usage":{"prompt_tokens":5}})",
      R"({"usage":{"prompt_tokens":5,"total_tokens":9}})",
      R"({"usage":{}})",                                              // {}
      R"({"usage":{"prompt_tokens":1000000001,"completion_tokens":2}})",  // past the maximum
      R"({"usage":{"prompt_tokens":5,"completion_tokens":1000000001}})",
      R"({"usage":{"prompt_tokens":9223372036854775808,"completion_tokens":2}})",  // past 2^63
      R"({"usage":{"prompt_tokens":18446744073709551615,"completion_tokens":2}})",
      R"({"usage":{"prompt_tokens":99999999999999999999,"completion_tokens":2}})",
      R"({"usage":{"prompt_tokens":5,"completion_tokens":true}})",
      R"({"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":6}}})",
      R"({"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":-1}}})",
      R"({"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":1.5}}})",
      R"({"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":3}})",
  };
  for (const std::string& text : invalid) {
    CAPTURE(text);
    CHECK_FALSE(usage_in(text).has_value());
    CHECK_FALSE(from_document(text).has_value());
  }
}

TEST_CASE("usage_in: valid usage at its edges") {
  CHECK(same(usage_in(R"({"usage":{"prompt_tokens":1000000000,"completion_tokens":0}})"),
             TokenUsage{1000000000, 0, 0}));
  CHECK(same(usage_in(R"({"usage":{"prompt_tokens":0,"completion_tokens":1000000000}})"),
             TokenUsage{0, 1000000000, 0}));
  CHECK(same(usage_in(R"({"usage":{"prompt_tokens":-0,"completion_tokens":3}})"),
             TokenUsage{0, 3, 0}));
  // An embeddings answer has no completion tokens: its total is its prompt.
  CHECK(same(usage_in(R"({"usage":{"prompt_tokens":8,"total_tokens":8}})"), TokenUsage{8, 0, 0}));
  CHECK(same(usage_in(R"({"usage":{"prompt_tokens":8,"completion_tokens":1,)"
                      R"("prompt_tokens_details":null}})"),
             TokenUsage{8, 1, 0}));
  CHECK(same(usage_in(R"({"usage":{"prompt_tokens":8,"completion_tokens":1,)"
                      R"("prompt_tokens_details":{"cached_tokens":8}}})"),
             TokenUsage{8, 1, 8}));
}

TEST_CASE("usage_in: says what usage_of says of the parsed document for 20,000 random texts") {
  RandomDocument documents(20261127);
  int with_usage = 0;
  int broken = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = documents.next();
    const auto expected = from_document(text);
    with_usage += expected ? 1 : 0;
    broken += nlohmann::json::accept(text) ? 0 : 1;
    CAPTURE(text);
    REQUIRE(same(usage_in(text), expected));
  }
  // The texts reach every branch: usage found, usage absent, and broken texts.
  CHECK(with_usage > 200);
  CHECK(broken > 1000);
}

TEST_CASE("usage_in: a response nested deeper than 1,024 levels is not read") {
  auto nested = [](int depth) {
    return R"({"usage":{"prompt_tokens":3,"completion_tokens":4},"x":)" + std::string(depth - 1, '[') +
           std::string(depth - 1, ']') + "}";
  };
  CHECK(same(usage_in(nested(1024)), TokenUsage{3, 4, 0}));
  CHECK(same(usage_in(nested(1024)), from_document(nested(1024))));
  CHECK_FALSE(usage_in(nested(1025)).has_value());
  CHECK_FALSE(usage_in(std::string(1 << 20, '[')).has_value());
}

TEST_CASE("usage_among: a Responses usage names its counts input and output tokens, cached "
          "and reasoning tokens a part of them") {
  const auto answer = llmgw::json_object_members(
      R"({"object":"response","usage":{"input_tokens":1200,"input_tokens_details":)"
      R"({"cached_tokens":1000},"output_tokens":90,"output_tokens_details":)"
      R"({"reasoning_tokens":64},"total_tokens":1290}})",
      llmgw::k_max_response_depth);
  REQUIRE(answer);
  const auto usage = llmgw::usage_among(*answer, llmgw::k_responses_usage);
  REQUIRE(usage);
  CHECK(usage->prompt == 1200);
  CHECK(usage->cached == 1000);
  CHECK(usage->completion == 90);
  CHECK(usage->reasoning == 64);
  // Chat's names are not a Responses usage, nor the other way round.
  CHECK_FALSE(llmgw::usage_among(*answer));
  CHECK_FALSE(usage_in(R"({"usage":{"input_tokens":1,"output_tokens":2}})"));
}
