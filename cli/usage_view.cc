#include "cli/usage_view.h"

#include "cli/csv.h"
#include "cli/output.h"

#include <algorithm>
#include <cctype>

namespace llmgw::cli {

namespace {

// Columns added later come last, so that scripts reading by position keep working.
constexpr const char* k_fields[] = {"requests",      "errors",       "prompt_tokens",
                                    "completion_tokens", "cached_tokens", "cost",
                                    "cache_write_tokens", "reasoning_tokens"};

nlohmann::json totals_json(const UsageTotals& t) {
  return {{"requests", t.requests},
          {"errors", t.errors},
          {"prompt_tokens", t.prompt_tokens},
          {"completion_tokens", t.completion_tokens},
          {"cached_tokens", t.cached_tokens},
          {"cache_write_tokens", t.cache_write_tokens},
          {"reasoning_tokens", t.reasoning_tokens},
          {"cost", t.cost.to_usd()}};
}

nlohmann::json optional_time(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(format_iso(*t)) : nlohmann::json(nullptr);
}

// `group` in front of `rest` when the report is grouped.
std::vector<std::string> with_group(UsageGrouping by, std::string group,
                                    std::vector<std::string> rest) {
  if (by != UsageGrouping::none) {
    rest.insert(rest.begin(), std::move(group));
  }
  return rest;
}

// In the order of k_fields (CSV); a table for people has the cost last.
std::vector<std::string> cells(const UsageTotals& t, std::string cost) {
  return {std::to_string(t.requests),         std::to_string(t.errors),
          std::to_string(t.prompt_tokens),    std::to_string(t.completion_tokens),
          std::to_string(t.cached_tokens),    std::move(cost),
          std::to_string(t.cache_write_tokens), std::to_string(t.reasoning_tokens)};
}


std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string usd(Money m) {
  return "$" + m.to_usd();
}

std::vector<std::string> table_cells(const UsageTotals& t) {
  std::vector<std::string> out = cells(t, usd(t.cost));
  std::rotate(out.begin() + 5, out.begin() + 6, out.end());
  return out;
}

}  // namespace

nlohmann::json usage_json(const UsageReport& report, const UsageQuery& query) {
  std::string by(to_string(query.by));
  nlohmann::json rows = nlohmann::json::array();
  for (const UsageRow& row : report.rows) {
    nlohmann::json document = nlohmann::json::object();
    if (query.by != UsageGrouping::none) {
      document[by] = row.group;
    }
    document.update(totals_json(row.totals));
    rows.push_back(std::move(document));
  }
  return {{"since", optional_time(query.since)},
          {"until", optional_time(query.until)},
          {"by", by.empty() ? nlohmann::json(nullptr) : nlohmann::json(by)},
          {"rows", std::move(rows)},
          {"total", totals_json(report.total)}};
}

Table usage_table(const UsageReport& report, UsageGrouping by) {
  Table table(with_group(by, upper(to_string(by)),
                         {"REQUESTS", "ERRORS", "PROMPT", "COMPLETION", "CACHED",
                          "CACHE WRITE", "REASONING", "COST"}));
  for (const UsageRow& row : report.rows) {
    table.add(with_group(by, row.group.empty() ? "-" : row.group, table_cells(row.totals)));
  }
  if (by != UsageGrouping::none) {
    table.add(with_group(by, "TOTAL", table_cells(report.total)));
  }
  return table;
}

std::string render_usage_csv(const UsageReport& report, UsageGrouping by) {
  std::string out = csv_record(
      with_group(by, std::string(to_string(by)), {std::begin(k_fields), std::end(k_fields)}));
  for (const UsageRow& row : report.rows) {
    out += csv_record(with_group(by, row.group, cells(row.totals, row.totals.cost.to_usd())));
  }
  return out;
}

}  // namespace llmgw::cli
