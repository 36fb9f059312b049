#include "core/traffic_limits.h"

#include "core/error.h"

#include <fmt/format.h>

namespace llmgw {

std::int64_t parse_traffic_limit(std::string_view text, std::string_view option) {
  std::int64_t value = 0;
  bool whole = !text.empty() && text.size() <= 10;
  for (char c : text) {
    whole = whole && c >= '0' && c <= '9';
    value = whole ? value * 10 + (c - '0') : 0;
  }
  if (!whole || value < 1 || value > k_max_traffic_limit) {
    throw_invalid(fmt::format("invalid {} '{}': must be a whole number from 1 to {}", option,
                              text, k_max_traffic_limit));
  }
  return value;
}

std::string traffic_text(const TrafficLimits& limits) {
  std::string text;
  auto add = [&text](const std::optional<std::int64_t>& value, std::string_view unit) {
    if (value) {
      text += fmt::format("{}{}{}", text.empty() ? "" : ", ", *value, unit);
    }
  };
  add(limits.requests_per_minute, "/min");
  add(limits.requests_per_day, "/day");
  add(limits.tokens_per_minute, " tokens/min");
  add(limits.max_parallel, " in flight");
  return text.empty() ? "-" : text;
}

}  // namespace llmgw
