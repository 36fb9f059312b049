#include "core/token_usage.h"

#include "core/error.h"

#include <string>
#include <vector>

namespace llmgw {

namespace {

// A count as usage_among() accepts one: a JSON integer from 0 to k_max_usage_tokens.
std::optional<std::int64_t> valid_count(const JsonMember* count) {
  if (count == nullptr) {
    return std::nullopt;
  }
  std::optional<std::int64_t> value = json_integer(count->value);
  if (!value || *value < 0 || *value > k_max_usage_tokens) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<TokenUsage> usage_among(const std::vector<JsonMember>& object) {
  // The last of repeated keys counts, as in a parsed document (`object` has only those).
  const JsonMember* usage = find_member(object, "usage");
  if (usage == nullptr || usage->value.kind != JsonKind::object) {
    return std::nullopt;
  }
  const auto fields = last_of_each_key(json_members(usage->value));
  const std::optional<std::int64_t> prompt = valid_count(find_member(fields, "prompt_tokens"));
  if (!prompt) {
    return std::nullopt;
  }
  TokenUsage tokens;
  tokens.prompt = *prompt;
  const JsonMember* completion = find_member(fields, "completion_tokens");
  if (completion != nullptr) {
    std::optional<std::int64_t> count = valid_count(completion);
    if (!count) {
      return std::nullopt;
    }
    tokens.completion = *count;
  } else if (valid_count(find_member(fields, "total_tokens")) != prompt) {
    return std::nullopt;
  }
  const JsonMember* details = find_member(fields, "prompt_tokens_details");
  if (details != nullptr && details->value.kind != JsonKind::null) {
    if (details->value.kind != JsonKind::object) {
      return std::nullopt;
    }
    const auto details_members = last_of_each_key(json_members(details->value));
    const JsonMember* cached = find_member(details_members, "cached_tokens");
    if (cached != nullptr) {
      std::optional<std::int64_t> count = valid_count(cached);
      if (!count || *count > tokens.prompt) {
        return std::nullopt;
      }
      tokens.cached = *count;
    }
  }
  return tokens;
}

Money cost_of(const Mapping& mapping, const TokenUsage& usage) {
  if (usage.prompt < 0 || usage.completion < 0 || usage.cached < 0 || usage.cached > usage.prompt) {
    throw_invalid("token counts must not be negative, nor cached tokens more than prompt tokens");
  }
  return mapping.input.cost(usage.prompt - usage.cached) +
         mapping.cached_input.cost(usage.cached) + mapping.output.cost(usage.completion);
}

}  // namespace llmgw
