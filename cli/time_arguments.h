#pragma once
// Option text for moments (ahead of or back from now) and counts. Each throws
// Error(invalid) naming the option, so a bad argument ends with exit code 2 before the
// database is opened.
#include "core/timestamp.h"

#include <cstdint>
#include <string_view>

namespace llmgw::cli {

// "30d", "12h", "2w" from `now`, or an ISO-8601 time ("2026-12-31", "2026-12-31T12:00:00Z").
Timestamp parse_expiry(std::string_view text, Timestamp now, std::string_view option);
// "7d", "12h", "90m" back from `now`, or an ISO-8601 time ("2026-12-31", "...T12:00:00Z").
Timestamp parse_time_back(std::string_view text, Timestamp now, std::string_view option);

// A whole number from `min` to `max`.
std::int64_t parse_count(std::string_view text, std::int64_t min, std::int64_t max,
                         std::string_view option);

}  // namespace llmgw::cli
