#include "core/wire/anthropic_usage.h"

namespace llmgw {

namespace {

// Reads `name` of `fields` into `out`: absent or null leaves it; false when it is not a
// valid count.
bool read_count(const std::vector<JsonMember>& fields, std::string_view name,
                std::optional<std::int64_t>& out) {
  const JsonMember* found = find_member(fields, name);
  if (found == nullptr || found->value.kind == JsonKind::null) {
    return true;
  }
  std::optional<std::int64_t> value = json_integer(found->value);
  if (!value || *value < 0 || *value > k_max_usage_tokens) {
    return false;
  }
  out = value;
  return true;
}

// Whether `value` reports anything: a number other than 0 anywhere in it (the counts of
// server_tool_use), or a non-empty array (iterations).
bool reports_something(const JsonSlice& value) {
  if (value.kind == JsonKind::array) {
    return !json_elements(value).empty();
  }
  if (value.kind == JsonKind::object) {
    for (const JsonMember& m : json_members(value)) {
      if (reports_something(m.value)) {
        return true;
      }
    }
    return false;
  }
  return value.kind == JsonKind::number && json_integer(value) != std::int64_t{0};
}

}  // namespace

void AnthropicUsage::add(const JsonSlice& usage) {
  if (usage.kind == JsonKind::null) {
    return;
  }
  if (usage.kind != JsonKind::object) {
    m_invalid = true;
    return;
  }
  const auto fields = last_of_each_key(json_members(usage));
  bool valid = read_count(fields, "input_tokens", m_input) &&
               read_count(fields, "output_tokens", m_output) &&
               read_count(fields, "cache_read_input_tokens", m_cache_read) &&
               read_count(fields, "cache_creation_input_tokens", m_cache_write);
  const JsonMember* creation = find_member(fields, "cache_creation");
  if (valid && creation != nullptr && creation->value.kind != JsonKind::null) {
    if (creation->value.kind != JsonKind::object) {
      valid = false;
    } else {
      const auto parts = last_of_each_key(json_members(creation->value));
      valid = read_count(parts, "ephemeral_1h_input_tokens", m_cache_write_1h);
    }
  }
  m_invalid = m_invalid || !valid;
  for (const char* unpriced : {"server_tool_use", "iterations"}) {
    const JsonMember* found = find_member(fields, unpriced);
    m_unpriced = m_unpriced || (found != nullptr && reports_something(found->value));
  }
}

void AnthropicUsage::add_final(const JsonSlice& usage) {
  const std::optional<std::int64_t> earlier = m_output;
  m_output.reset();
  add(usage);
  if (m_output) {
    m_output_final = true;
  } else {
    m_output = earlier;  // no output count in this one: the earlier one stays what it was
  }
}

void AnthropicUsage::add_from(const std::vector<JsonMember>& object) {
  if (const JsonMember* usage = find_member(object, "usage")) {
    add_final(usage->value);
    return;
  }
  const JsonMember* message = find_member(object, "message");
  if (message != nullptr && message->value.kind == JsonKind::object) {
    const auto message_members = last_of_each_key(json_members(message->value));
    if (const JsonMember* usage = find_member(message_members, "usage")) {
      add(usage->value);
    }
  }
}

std::optional<TokenUsage> AnthropicUsage::total() const {
  if (m_invalid || !m_input || !m_output) {
    return std::nullopt;
  }
  const std::int64_t writes = m_cache_write.value_or(0);
  const std::int64_t hour = m_cache_write_1h.value_or(0);
  if (hour > writes) {
    return std::nullopt;  // more kept an hour than written at all
  }
  TokenUsage usage;
  usage.cached = m_cache_read.value_or(0);
  usage.cache_write_1h = hour;
  usage.cache_write_5m = writes - hour;
  usage.prompt = *m_input + usage.cached + writes;  // each at most 1e9: no overflow
  usage.completion = *m_output;
  return usage;
}

}  // namespace llmgw
