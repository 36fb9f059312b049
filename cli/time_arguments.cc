#include "cli/time_arguments.h"

#include "core/error.h"

#include <fmt/format.h>

#include <charconv>

namespace llmgw::cli {

Timestamp parse_expiry(std::string_view text, Timestamp now, std::string_view option) {
  return looks_like_time(text) ? parse_iso(text, option) : now + parse_duration(text, option);
}

Timestamp parse_time_back(std::string_view text, Timestamp now, std::string_view option) {
  return looks_like_time(text) ? parse_iso(text, option) : now - parse_duration(text, option);
}

std::int64_t parse_count(std::string_view text, std::int64_t min, std::int64_t max,
                         std::string_view option) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      value < min || value > max) {
    throw_invalid(fmt::format("invalid {} '{}': expected a whole number from {} to {}", option,
                              text, min, max));
  }
  return value;
}

}  // namespace llmgw::cli
