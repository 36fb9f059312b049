#include "core/wire/cost_bound.h"

#include "core/error.h"

#include <fmt/format.h>

#include <algorithm>

namespace llmgw {

namespace {

// `tokens` at `price`. Throws Error(invalid) `too_large` when that is more than Money holds.
Money checked_cost(Price price, std::int64_t tokens, const char* too_large) {
  try {
    return price.cost(tokens);
  } catch (const Error&) {
    throw_invalid(too_large);
  }
}

// The bound at the prices of `mapping`, whichever prompt the request has.
Money bound_at(const ClientRequest& request, const Mapping& mapping) {
  const char* output_too_large =
      request.choices > 1
          ? "'max_tokens' times 'n' is too large: the request could cost more than llmgw "
            "can count"
          : "'max_tokens' is too large: the request could cost more than llmgw can count";
  // A prompt token costs the input price, or the cached-input or (where the provider
  // writes its cache) a cache-write price, where that is higher.
  Price prompt_price = std::max(mapping.input, mapping.cached_input);
  if (mapping.writes_cache) {
    prompt_price = std::max({prompt_price, mapping.cache_write_5m(), mapping.cache_write_1h()});
  }
  const Money prompt =
      checked_cost(prompt_price, request.prompt_tokens_estimate,
                   "request body is too large: the request could cost more than llmgw can "
                   "count");
  const std::int64_t output_tokens = output_tokens_bound(request, mapping).value_or(0);
  if (output_tokens == INT64_MAX && !mapping.output.is_zero()) {
    throw_invalid(output_too_large);  // saturated: past what any price above 0 can count
  }
  const Money output = checked_cost(mapping.output, output_tokens, output_too_large);
  if (Money::from_units(INT64_MAX) - prompt < output) {
    throw_invalid(output_too_large);
  }
  return prompt + output;
}

}  // namespace

Money cost_bound(const ClientRequest& request, const Mapping& mapping) {
  // A prompt past the long-context tier is priced at it; no prompt is longer than its
  // bound, and a shorter one may stay below the tier, so both prices bound it.
  const Money base = bound_at(request, mapping);
  if (!mapping.long_context || request.prompt_tokens_estimate <= mapping.long_context->above_tokens) {
    return base;
  }
  return std::max(base, bound_at(request, mapping.priced_for(request.prompt_tokens_estimate)));
}

std::optional<std::int64_t> output_tokens_bound(const ClientRequest& request,
                                                const Mapping& mapping) {
  const std::int64_t per_choice = request.max_tokens && *request.max_tokens > 0
                                      ? *request.max_tokens
                                      : mapping.max_output_tokens;
  if (per_choice <= 0) {
    return std::nullopt;
  }
  std::int64_t tokens = 0;
  if (__builtin_mul_overflow(per_choice, request.choices, &tokens)) {
    return INT64_MAX;
  }
  return tokens;
}

std::int64_t estimated_output(std::size_t bytes, std::optional<std::int64_t> bound) {
  const auto tokens = static_cast<std::int64_t>(
      std::min<std::size_t>(bytes, static_cast<std::size_t>(INT64_MAX)));
  return bound ? std::min(tokens, *bound) : tokens;
}

std::optional<std::string> unbounded_output(const ClientRequest& request,
                                            const Mapping& mapping, std::string_view model) {
  const bool limited = request.max_tokens && *request.max_tokens > 0;
  const bool open_ended =
      request.endpoint == Endpoint::chat || request.endpoint == Endpoint::responses;
  if (!open_ended || limited || mapping.max_output_tokens > 0 || mapping.output.is_zero()) {
    return std::nullopt;
  }
  return fmt::format(
      "'{}' is required: model {} on provider {} has no max output tokens in the "
      "catalog, so llmgw cannot bound the cost for a key with a spending limit",
      request.endpoint == Endpoint::chat ? "max_tokens" : "max_output_tokens", model,
      mapping.provider);
}

}  // namespace llmgw
