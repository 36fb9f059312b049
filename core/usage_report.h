#pragma once
// Usage totals from the request log: requests, errors, tokens and cost, for one key or all,
// over a time range, grouped by key, model, provider, UTC day or UTC hour.
//
// Whole hours are read from the hourly roll-up (migration step 5, kept in the statement that
// inserts each log row) and only the partial hours at the edges of the range from the log,
// so a report costs what its hours and groups cost, not what its requests cost.
#include "core/money.h"
#include "core/store.h"
#include "core/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

enum class UsageGrouping { none, key, model, provider, day, hour };

// "key", "model", "provider", "day" or "hour". Throws Error(invalid) naming `what` otherwise.
UsageGrouping parse_usage_grouping(std::string_view text, std::string_view what);
// The name parse_usage_grouping takes; "" for none.
std::string_view to_string(UsageGrouping by);
// Every name parse_usage_grouping takes.
std::vector<std::string_view> usage_grouping_names();

struct UsageTotals {
  std::int64_t requests = 0;
  std::int64_t errors = 0;  // requests answered with a status of 400 or more
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_tokens = 0;       // prompt tokens read from a cache
  std::int64_t cache_write_tokens = 0;  // prompt tokens written to a cache
  std::int64_t reasoning_tokens = 0;    // completion tokens spent reasoning
  Money cost;

  UsageTotals& operator+=(const UsageTotals& other);
  bool operator==(const UsageTotals& o) const {
    return requests == o.requests && errors == o.errors && prompt_tokens == o.prompt_tokens &&
           completion_tokens == o.completion_tokens && cached_tokens == o.cached_tokens &&
           cache_write_tokens == o.cache_write_tokens &&
           reasoning_tokens == o.reasoning_tokens && cost == o.cost;
  }
};

struct UsageRow {
  // A key id; a model (the served model, or the requested one when none was served); a
  // provider id ("" when no provider was tried); a UTC day "2026-11-27"; a UTC hour
  // "2026-11-27T06:00:00Z"; "" when not grouped.
  std::string group;
  UsageTotals totals;
};

struct UsageQuery {
  std::optional<std::string> key_id;  // every key when absent
  std::optional<Timestamp> since;     // inclusive; from the first request when absent
  std::optional<Timestamp> until;     // exclusive; to the last request when absent
  UsageGrouping by = UsageGrouping::none;
};

struct UsageReport {
  // Ordered by group (days and hours oldest first). Only groups with requests appear,
  // except that an ungrouped report always has its one row, zero when nothing matched.
  std::vector<UsageRow> rows;
  UsageTotals total;
};

// An unknown key id, or a range with since >= until, is a report of nothing.
UsageReport usage_report(Store& store, const UsageQuery& query);

}  // namespace llmgw
