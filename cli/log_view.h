#pragma once
// How `llmgw logs` shows request-log entries: one JSON object per line for programs, and
// for people fixed-width columns, so that rows printed one by one (--follow) line up (or
// tab-separated cells when stdout is not a terminal, as tables are).
#include "cli/output.h"
#include "core/request_log.h"

#include <nlohmann/json.hpp>

#include <string>

namespace llmgw::cli {

// {"id", "request_id", "time", "key_id", "requested_model", "served_model", "provider",
//  "status", "error_code", "prompt_tokens", "completion_tokens", "cached_tokens", "cost",
//  "estimated", "streamed", "cancelled", "latency_ms", "ttft_ms"}; cost is an exact decimal
// string in USD, time ISO-8601 UTC, ttft_ms null when nothing was streamed, and every
// string that is absent (no provider answered, no error) null. The daemon's access log
// (daemon/access_log.h) names the same things the same way.
nlohmann::json log_json(const LogEntry& entry);

// The header line and one line per entry, each ending in "\n": fixed-width columns, or
// tab-separated cells. MODEL is the served model, or the requested one when nothing was
// served; an empty field shows as "-".
std::string log_header(TableLayout layout);
std::string log_line(const LogEntry& entry, TableLayout layout);

}  // namespace llmgw::cli
