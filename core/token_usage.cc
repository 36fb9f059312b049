#include "core/token_usage.h"

#include "core/json_scan.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace llmgw {

namespace {

std::int64_t count(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) {
    return 0;
  }
  return std::max<std::int64_t>(0, found->get<std::int64_t>());
}

}  // namespace

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

namespace {

// Deeper responses are not read (the checking recurses); no provider nests a tenth of it.
constexpr int k_max_response_depth = 1024;

// A count as usage_of() reads it: integers (negative ones as 0), anything else 0.
std::int64_t count_in(const std::vector<JsonMember>& members, std::string_view name) {
  const JsonMember* count = find_member(members, name);
  return count == nullptr ? 0 : std::max<std::int64_t>(0, json_integer(count->value).value_or(0));
}

}  // namespace

std::optional<TokenUsage> usage_in(std::string_view json_text) {
  const CheckedJson document = check_json(json_text, k_max_response_depth);
  if (document.fault != JsonFault::none || document.value.kind != JsonKind::object) {
    return std::nullopt;
  }
  // The last of repeated keys counts, as in a parsed document.
  const auto root = last_of_each_key(json_members(document.value));
  const JsonMember* usage = find_member(root, "usage");
  if (usage == nullptr || usage->value.kind != JsonKind::object) {
    return std::nullopt;
  }
  const auto fields = last_of_each_key(json_members(usage->value));
  TokenUsage tokens;
  tokens.prompt = count_in(fields, "prompt_tokens");
  tokens.completion = count_in(fields, "completion_tokens");
  const JsonMember* details = find_member(fields, "prompt_tokens_details");
  if (details != nullptr && details->value.kind == JsonKind::object) {
    tokens.cached = std::min(tokens.prompt,
                             count_in(last_of_each_key(json_members(details->value)), "cached_tokens"));
  }
  return tokens;
}

Money cost_of(const Mapping& mapping, const TokenUsage& usage) {
  return mapping.input.cost(usage.prompt - usage.cached) +
         mapping.cached_input.cost(usage.cached) + mapping.output.cost(usage.completion);
}

}  // namespace llmgw
