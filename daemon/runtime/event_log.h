#pragma once
// The daemon's log: one JSON object per line on stderr (access log lines, and events for
// the operator such as "listening", "checkpoint" or "usage_commit_failed").
#include <nlohmann/json.hpp>

namespace llmgw::daemon {

// Writes `line` with a single write(2), so lines of concurrent threads never interleave.
// Text that is not valid UTF-8 (an error message quoting bytes) is replaced, not thrown
// over; a full or closed stderr is ignored.
void log_line(const nlohmann::ordered_json& line);

}  // namespace llmgw::daemon
