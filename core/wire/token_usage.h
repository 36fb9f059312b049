#pragma once
// Tokens as an upstream reports them, and what they cost at a mapping's prices.
#include "core/catalog.h"
#include "core/json_scan.h"
#include "core/money.h"
#include "core/usage.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace llmgw {

// One request's tokens in one model, whatever the wire format reported them in. The parts
// of a count are never added to it again: `prompt` holds the cache reads and writes,
// `completion` the reasoning.
struct TokenUsage {
  std::int64_t prompt = 0;          // all input tokens: uncached, cache reads, cache writes
  std::int64_t completion = 0;      // all output tokens, reasoning included
  std::int64_t cached = 0;          // the part of `prompt` read from the provider's cache
  std::int64_t cache_write_5m = 0;  // the part of `prompt` written to the cache for 5 minutes
  std::int64_t cache_write_1h = 0;  // the part of `prompt` written to the cache for an hour
  std::int64_t reasoning = 0;       // the part of `completion` spent reasoning
};

// Responses and stream chunks nested deeper are not read (reading them recurses); no
// provider nests a tenth of it.
constexpr int k_max_response_depth = 1024;

// The most tokens of one kind one request can report: far above any context window, and
// small enough that no sum of counts overflows.
constexpr std::int64_t k_max_usage_tokens = 1'000'000'000;

// The names a wire format gives the counts of its "usage" object: OpenAI's chat
// completions and embeddings, and its Responses API.
struct UsageFields {
  const char* prompt;
  const char* completion;
  const char* prompt_details;      // holds `cached_tokens`
  const char* completion_details;  // holds `reasoning_tokens`
};
constexpr UsageFields k_chat_usage{"prompt_tokens", "completion_tokens", "prompt_tokens_details",
                                   "completion_tokens_details"};
constexpr UsageFields k_responses_usage{"input_tokens", "output_tokens", "input_tokens_details",
                                        "output_tokens_details"};

// The "usage" member of an OpenAI-compatible response or chunk read in place
// (json_object_members, core/json_scan.h), as a parsed document has it (the last of
// repeated keys), when it is valid; nothing when it is absent, null or not an object, or
// the usage is not valid. Valid: `prompt_tokens` is a JSON integer from 0 to
// k_max_usage_tokens, and so is `completion_tokens`, which may be absent only when
// `total_tokens` equals `prompt_tokens` (an embeddings answer); when
// `prompt_tokens_details` is present and not null, it is an object, and its
// `cached_tokens`, when present and not null, is such an integer no greater than
// `prompt_tokens`; the same for `completion_tokens_details` and its `reasoning_tokens`,
// which are a part of `completion_tokens` (no more than it) unless `total_tokens` says
// they come beside it (prompt + completion + reasoning, as xAI counts): then they are
// added to it.
// Anything else (a fraction, a string, a negative count, null, a missing count, a count
// past k_max_usage_tokens or 2^63) makes the whole usage invalid, to be estimated by the
// caller as when none came. With `names` k_responses_usage, the same for a Responses
// object, whose counts are input_tokens, output_tokens and their _details.
std::optional<TokenUsage> usage_among(const std::vector<JsonMember>& object,
                                      const UsageFields& names = k_chat_usage);

// Sets the record's token counts from `usage`.
void record_tokens(UsageRecord& record, const TokenUsage& usage);

// Exact: the prompt tokens neither read from nor written to the cache at the input price,
// cache reads at the cached-input price, cache writes at the mapping's cache-write prices,
// completion tokens (reasoning included) at the output price, each at the mapping's
// long-context tier where the prompt is past it (Mapping::priced_for); never negative. Throws
// Error(invalid) when a count is negative, the cache reads and writes are more than the
// prompt, the reasoning more than the completion (no reader here gives any of these), or
// the cost is more than Money holds.
Money cost_of(const Mapping& mapping, const TokenUsage& usage);

}  // namespace llmgw
