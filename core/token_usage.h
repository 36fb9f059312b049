#pragma once
// Tokens as an upstream reports them, and what they cost at a mapping's prices.
#include "core/catalog.h"
#include "core/money.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace llmgw {

struct TokenUsage {
  std::int64_t prompt = 0;      // all input tokens, cached ones included
  std::int64_t completion = 0;
  std::int64_t cached = 0;      // the part of `prompt` read from the provider's cache
};

// The "usage" object of an OpenAI-compatible response or chunk, or nothing when it is
// absent, null or malformed. Negative counts and cached > prompt are clamped.
std::optional<TokenUsage> usage_of(const nlohmann::json& document);

// The same for a whole response body as text: usage_of() of the parsed body (nothing when
// it is not valid JSON, or nests deeper than 1,024 levels), read in place
// (core/json_scan.h). The daemon reads every non-streamed response this way.
std::optional<TokenUsage> usage_in(std::string_view json_text);

// Exact: uncached prompt tokens at the input price, cached ones at the cached-input price,
// completion tokens at the output price. Throws Error(invalid) on overflow.
Money cost_of(const Mapping& mapping, const TokenUsage& usage);

}  // namespace llmgw
