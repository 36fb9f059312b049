#pragma once
// The daemon's log: one JSON object per line on stderr, each starting with `time` (RFC 3339
// UTC, with milliseconds), `level` and `event` (a stable snake_case name): the access log's
// "request" lines, and events for the operator such as "listening", "checkpoint" or
// "usage_commit_failed". README.md ("Logs") lists every event.
#include <nlohmann/json.hpp>

#include <string_view>

namespace llmgw::daemon {

enum class LogLevel { info, warn, error };

// Writes {"time", "level", "event", then the members of `fields` (an object, or null for
// none)} with a single write(2), so lines of concurrent threads never interleave. `event`
// is written as it is: a name of the code's, never text from outside. Text that is not
// valid UTF-8 (an error message quoting bytes) is replaced, not thrown over; a full or
// closed stderr is ignored.
void log_event(LogLevel level, std::string_view event,
               const nlohmann::ordered_json& fields = nullptr);

}  // namespace llmgw::daemon
