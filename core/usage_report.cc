#include "core/usage_report.h"

#include "core/error.h"

#include <fmt/format.h>

#include <limits>

namespace llmgw {

namespace {

struct GroupingName {
  UsageGrouping by;
  std::string_view name;
};

constexpr GroupingName k_groupings[] = {
    {UsageGrouping::key, "key"}, {UsageGrouping::model, "model"},
    {UsageGrouping::provider, "provider"}, {UsageGrouping::day, "day"},
    {UsageGrouping::hour, "hour"},
};

// The roll-up scope (migration step 5) that holds the groups a query needs.
const char* scope_for(const UsageQuery& query) {
  bool one_key = query.key_id.has_value();
  switch (query.by) {
    case UsageGrouping::model:
      return one_key ? "key_model" : "model";
    case UsageGrouping::provider:
      return one_key ? "key_provider" : "provider";
    case UsageGrouping::key:
      return "key";
    case UsageGrouping::none:
    case UsageGrouping::day:
    case UsageGrouping::hour:
      break;
  }
  return one_key ? "key" : "total";
}

// The group as a column of both the roll-up and the usage_facts view.
const char* group_column(UsageGrouping by) {
  switch (by) {
    case UsageGrouping::key:
      return "key_id";
    case UsageGrouping::model:
      return "model";
    case UsageGrouping::provider:
      return "provider";
    case UsageGrouping::day:
      return "hour - hour % 86400000";
    case UsageGrouping::hour:
      return "hour";
    case UsageGrouping::none:
      break;
  }
  return "''";
}

// Whole hours [first_hour, end_hour) come from the roll-up, plus the log rows of those
// hours not rolled up yet (core/usage_rollup.h); the rest of [since, until) comes from the
// log. The key condition is left out of the text when no key is asked for, so that the
// roll-up's primary key (scope, key_id, hour, ...) serves every query.
std::string report_sql(const UsageQuery& query) {
  const char* key = query.key_id ? "AND key_id = :key" : "";
  return fmt::format(
      "SELECT {0}, sum(requests), sum(errors), sum(prompt_tokens), sum(completion_tokens), "
      "sum(cached_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost) FROM ("
      " SELECT key_id, hour, model, provider, requests, errors, prompt_tokens,"
      "  completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost"
      "  FROM usage_rollup"
      "  WHERE scope = :scope {1} AND hour >= :first_hour AND hour < :end_hour"
      " UNION ALL"
      " SELECT key_id, hour, model, provider, 1, error, prompt_tokens, completion_tokens,"
      "  cached_tokens, cache_write_tokens, reasoning_tokens, cost FROM usage_facts"
      "  WHERE scope = :scope {1}"
      "  AND (time >= :since AND time < :first_hour OR time >= :end_hour AND time < :until)"
      " UNION ALL"
      " SELECT key_id, hour, model, provider, 1, error, prompt_tokens, completion_tokens,"
      "  cached_tokens, cache_write_tokens, reasoning_tokens, cost FROM usage_facts"
      "  WHERE scope = :scope {1}"
      "  AND log_id > (SELECT log_id FROM usage_rollup_progress)"
      "  AND time >= :first_hour AND time < :end_hour"
      ") GROUP BY 1 ORDER BY 1",
      group_column(query.by), key);
}

Timestamp floor_hour(Timestamp t) {
  Timestamp rest = t % k_ms_per_hour;
  return t - (rest < 0 ? rest + k_ms_per_hour : rest);
}

std::string group_text(UsageGrouping by, const SQLite::Column& column) {
  switch (by) {
    case UsageGrouping::day:
      return format_iso(column.getInt64()).substr(0, 10);
    case UsageGrouping::hour:
      return format_iso(column.getInt64());
    default:
      return column.getString();
  }
}

}  // namespace

UsageGrouping parse_usage_grouping(std::string_view text, std::string_view what) {
  for (const auto& g : k_groupings) {
    if (g.name == text) {
      return g.by;
    }
  }
  throw_invalid(fmt::format("invalid {} '{}': expected key, model, provider, day or hour", what,
                            text));
}

std::vector<std::string_view> usage_grouping_names() {
  std::vector<std::string_view> names;
  for (const auto& g : k_groupings) {
    names.push_back(g.name);
  }
  return names;
}

std::string_view to_string(UsageGrouping by) {
  for (const auto& g : k_groupings) {
    if (g.by == by) {
      return g.name;
    }
  }
  return "";
}

UsageTotals& UsageTotals::operator+=(const UsageTotals& other) {
  requests += other.requests;
  errors += other.errors;
  prompt_tokens += other.prompt_tokens;
  completion_tokens += other.completion_tokens;
  cached_tokens += other.cached_tokens;
  cache_write_tokens += other.cache_write_tokens;
  reasoning_tokens += other.reasoning_tokens;
  cost += other.cost;
  return *this;
}

UsageReport usage_report(Store& store, const UsageQuery& query) {
  constexpr Timestamp k_min = std::numeric_limits<Timestamp>::min();
  constexpr Timestamp k_max = std::numeric_limits<Timestamp>::max();
  Timestamp since = query.since.value_or(k_min);
  Timestamp until = query.until.value_or(k_max);
  Timestamp first_hour = query.since ? floor_hour(since) : k_min;
  if (first_hour < since) {
    first_hour += k_ms_per_hour;
  }
  Timestamp end_hour = query.until ? floor_hour(until) : k_max;
  if (first_hour >= end_hour) {
    first_hour = end_hour = until;  // no whole hour: everything from the log
  }

  SQLite::Statement select(store.db(), report_sql(query));
  select.bind(":scope", scope_for(query));
  if (query.key_id) {
    select.bind(":key", *query.key_id);
  }
  select.bind(":since", static_cast<std::int64_t>(since));
  select.bind(":until", static_cast<std::int64_t>(until));
  select.bind(":first_hour", static_cast<std::int64_t>(first_hour));
  select.bind(":end_hour", static_cast<std::int64_t>(end_hour));

  UsageReport report;
  while (select.executeStep()) {
    UsageRow row;
    row.group = group_text(query.by, select.getColumn(0));
    row.totals.requests = select.getColumn(1).getInt64();
    row.totals.errors = select.getColumn(2).getInt64();
    row.totals.prompt_tokens = select.getColumn(3).getInt64();
    row.totals.completion_tokens = select.getColumn(4).getInt64();
    row.totals.cached_tokens = select.getColumn(5).getInt64();
    row.totals.cache_write_tokens = select.getColumn(6).getInt64();
    row.totals.reasoning_tokens = select.getColumn(7).getInt64();
    row.totals.cost = Money::from_units(select.getColumn(8).getInt64());
    report.total += row.totals;
    report.rows.push_back(std::move(row));
  }
  if (query.by == UsageGrouping::none && report.rows.empty()) {
    report.rows.push_back(UsageRow{});
  }
  return report;
}

}  // namespace llmgw
