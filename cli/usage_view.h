#pragma once
// How `llmgw usage` shows a report: a table for people, CSV and JSON for programs.
#include "cli/output.h"
#include "core/usage_report.h"

#include <nlohmann/json.hpp>

#include <string>

namespace llmgw::cli {

// {"since": ISO|null, "until": ISO|null, "by": "model"|null, "rows": [...], "total": {...}};
// a row is {"<by>": group, "requests", "errors", "prompt_tokens", "completion_tokens",
// "cached_tokens", "cost"}, the cost an exact decimal string in USD.
nlohmann::json usage_json(const UsageReport& report, const UsageQuery& query);

// Columns as in the JSON rows; grouped reports end with a TOTAL row.
Table usage_table(const UsageReport& report, UsageGrouping by);

// A header record, then one record per row; no total, so the rows can be summed as they are.
std::string render_usage_csv(const UsageReport& report, UsageGrouping by);

}  // namespace llmgw::cli
