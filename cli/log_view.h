#pragma once
// How `llmgw logs` shows request-log entries: one JSON object per line for programs, and
// for people fixed-width columns, so that rows printed one by one (--follow) line up.
#include "core/request_log.h"

#include <nlohmann/json.hpp>

#include <string>

namespace llmgw::cli {

// {"id", "request_id", "time", "key_id", "requested_model", "served_model", "provider",
//  "status", "error_code", "prompt_tokens", "completion_tokens", "cached_tokens", "cost",
//  "estimated", "streamed", "cancelled", "latency_ms", "ttft_ms"}; cost is an exact decimal
// string in USD, time ISO-8601 UTC, ttft_ms null when nothing was streamed.
nlohmann::json log_json(const LogEntry& entry);

// The header line and one line per entry, each ending in "\n". MODEL is the served model,
// or the requested one when nothing was served; an empty field shows as "-".
std::string log_header();
std::string log_line(const LogEntry& entry);

}  // namespace llmgw::cli
