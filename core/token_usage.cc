#include "core/token_usage.h"

#include <nlohmann/json.hpp>

#include <algorithm>

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

Money cost_of(const Mapping& mapping, const TokenUsage& usage) {
  return mapping.input.cost(usage.prompt - usage.cached) +
         mapping.cached_input.cost(usage.cached) + mapping.output.cost(usage.completion);
}

}  // namespace llmgw
