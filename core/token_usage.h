#pragma once
// Tokens as an upstream reports them, and what they cost at a mapping's prices.
#include "core/catalog.h"
#include "core/json_scan.h"
#include "core/money.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace llmgw {

struct TokenUsage {
  std::int64_t prompt = 0;      // all input tokens, cached ones included
  std::int64_t completion = 0;
  std::int64_t cached = 0;      // the part of `prompt` read from the provider's cache
};

// Responses and stream chunks nested deeper are not read (reading them recurses); no
// provider nests a tenth of it.
constexpr int k_max_response_depth = 1024;

// The "usage" object of an OpenAI-compatible response or chunk, as a parsed document has
// it (the last of repeated keys), or nothing when it is absent, null or not an object, or
// the text is not valid JSON (or nests deeper than k_max_response_depth). Counts that are
// not integers count as 0; negative counts and cached > prompt are clamped. Read in place
// (core/json_scan.h).
std::optional<TokenUsage> usage_in(std::string_view json_text);

// The same for an object already read (json_object_members).
std::optional<TokenUsage> usage_among(const std::vector<JsonMember>& object);

// Exact: uncached prompt tokens at the input price, cached ones at the cached-input price,
// completion tokens at the output price. Throws Error(invalid) on overflow.
Money cost_of(const Mapping& mapping, const TokenUsage& usage);

}  // namespace llmgw
