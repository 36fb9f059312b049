// Reading a response's usage (core/token_usage.h): usage_in() on the text must say exactly
// what usage_of() below, the reference written on nlohmann/json's parsed document, says:
// for well-formed bodies, odd ones (keys given twice, counts that are not integers, usage
// where it does not count) and broken ones.
#include "core/token_usage.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using llmgw::TokenUsage;
using llmgw::usage_in;

namespace {

// The reference: the usage as nlohmann/json's parsed document has it, spelled out.
std::int64_t count(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) {
    return 0;
  }
  return std::max<std::int64_t>(0, found->get<std::int64_t>());
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
  tokens.prompt = count(*usage, "prompt_tokens");
  tokens.completion = count(*usage, "completion_tokens");
  auto details = usage->find("prompt_tokens_details");
  if (details != usage->end() && details->is_object()) {
    tokens.cached = std::min(tokens.prompt, count(*details, "cached_tokens"));
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
  return a->prompt == b->prompt && a->completion == b->completion && a->cached == b->cached;
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
        "cached_tokens", "total_tokens", "choices"};
    text += "{";
    for (unsigned i = 0, n = pick(5); i < n; ++i) {
      text += i > 0 ? "," : "";
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
  CHECK(usage_in(R"({"usage":{"prompt_tokens":5,"prompt_tokens":{}}})")->prompt == 0);
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
  CHECK(with_usage > 1000);
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
