#include "core/wire/token_usage.h"

#include "core/error.h"

#include <algorithm>
#include <iterator>
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

std::optional<TokenUsage> usage_among(const std::vector<JsonMember>& object,
                                      const UsageFields& names) {
  // The last of repeated keys counts, as in a parsed document (`object` has only those).
  const JsonMember* usage = find_member(object, "usage");
  if (usage == nullptr || usage->value.kind != JsonKind::object) {
    return std::nullopt;
  }
  const auto fields = last_of_each_key(json_members(usage->value));
  const std::optional<std::int64_t> prompt = valid_count(find_member(fields, names.prompt));
  if (!prompt) {
    return std::nullopt;
  }
  TokenUsage tokens;
  tokens.prompt = *prompt;
  const JsonMember* completion = find_member(fields, names.completion);
  if (completion != nullptr) {
    std::optional<std::int64_t> count = valid_count(completion);
    if (!count) {
      return std::nullopt;
    }
    tokens.completion = *count;
  } else if (valid_count(find_member(fields, "total_tokens")) != prompt) {
    return std::nullopt;
  }
  // A part of a count, in a details object of the usage: valid, no more than `whole`.
  auto part = [&fields](const char* details_name, const char* name, std::int64_t whole,
                        std::int64_t& out) {
    const JsonMember* details = find_member(fields, details_name);
    if (details == nullptr || details->value.kind == JsonKind::null) {
      return true;
    }
    if (details->value.kind != JsonKind::object) {
      return false;
    }
    const auto details_members = last_of_each_key(json_members(details->value));
    const JsonMember* found = find_member(details_members, name);
    if (found == nullptr || found->value.kind == JsonKind::null) {
      return true;  // none reported
    }
    std::optional<std::int64_t> count = valid_count(found);
    if (!count || *count > whole) {
      return false;
    }
    out = *count;
    return true;
  };
  if (!part(names.prompt_details, "cached_tokens", tokens.prompt, tokens.cached) ||
      !part(names.completion_details, "reasoning_tokens", k_max_usage_tokens,
            tokens.reasoning)) {
    return std::nullopt;
  }
  // Reasoning is a part of the completion, as OpenAI reports it; a provider that reports
  // it beside the completion (xAI: total = prompt + completion + reasoning) has it added.
  const std::optional<std::int64_t> total = valid_count(find_member(fields, "total_tokens"));
  if (tokens.reasoning > 0 && total == tokens.prompt + tokens.completion + tokens.reasoning) {
    tokens.completion += tokens.reasoning;
  }
  if (tokens.reasoning > tokens.completion) {
    return std::nullopt;
  }
  return tokens;
}

void record_tokens(UsageRecord& record, const TokenUsage& usage) {
  record.prompt_tokens = usage.prompt;
  record.completion_tokens = usage.completion;
  record.cached_tokens = usage.cached;
  record.cache_write_5m_tokens = usage.cache_write_5m;
  record.cache_write_1h_tokens = usage.cache_write_1h;
  record.reasoning_tokens = usage.reasoning;
}

Money cost_of(const Mapping& mapping, const TokenUsage& usage) {
  const std::int64_t counts[] = {usage.prompt,         usage.completion,     usage.cached,
                                 usage.cache_write_5m, usage.cache_write_1h, usage.reasoning};
  if (std::any_of(std::begin(counts), std::end(counts), [](std::int64_t c) { return c < 0; })) {
    throw_invalid("token counts must not be negative");
  }
  // Subtracted one by one, so no sum can overflow.
  std::int64_t uncached = usage.prompt;
  for (std::int64_t part : {usage.cached, usage.cache_write_5m, usage.cache_write_1h}) {
    if (part > uncached) {
      throw_invalid("cache reads and writes must not be more than the prompt tokens");
    }
    uncached -= part;
  }
  if (usage.reasoning > usage.completion) {
    throw_invalid("reasoning tokens must not be more than the completion tokens");
  }
  const Mapping priced = mapping.priced_for(usage.prompt);
  return priced.input.cost(uncached) + priced.cached_input.cost(usage.cached) +
         priced.cache_write_5m().cost(usage.cache_write_5m) +
         priced.cache_write_1h().cost(usage.cache_write_1h) +
         priced.output.cost(usage.completion);
}

}  // namespace llmgw
