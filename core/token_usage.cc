#include "core/token_usage.h"

#include <algorithm>
#include <string>
#include <vector>

namespace llmgw {

namespace {

// A count: integers (negative ones as 0), anything else 0.
std::int64_t count_in(const std::vector<JsonMember>& members, std::string_view name) {
  const JsonMember* count = find_member(members, name);
  return count == nullptr ? 0 : std::max<std::int64_t>(0, json_integer(count->value).value_or(0));
}

}  // namespace

std::optional<TokenUsage> usage_in(std::string_view json_text) {
  const auto object = json_object_members(json_text, k_max_response_depth);
  return object ? usage_among(*object) : std::nullopt;
}

std::optional<TokenUsage> usage_among(const std::vector<JsonMember>& object) {
  // The last of repeated keys counts, as in a parsed document (`object` has only those).
  const JsonMember* usage = find_member(object, "usage");
  if (usage == nullptr || usage->value.kind != JsonKind::object) {
    return std::nullopt;
  }
  const auto fields = last_of_each_key(json_members(usage->value));
  TokenUsage tokens;
  tokens.prompt = count_in(fields, "prompt_tokens");
  tokens.completion = count_in(fields, "completion_tokens");
  const JsonMember* details = find_member(fields, "prompt_tokens_details");
  if (details != nullptr && details->value.kind == JsonKind::object) {
    const auto details_members = last_of_each_key(json_members(details->value));
    tokens.cached = std::min(tokens.prompt, count_in(details_members, "cached_tokens"));
  }
  return tokens;
}

Money cost_of(const Mapping& mapping, const TokenUsage& usage) {
  return mapping.input.cost(usage.prompt - usage.cached) +
         mapping.cached_input.cost(usage.cached) + mapping.output.cost(usage.completion);
}

}  // namespace llmgw
