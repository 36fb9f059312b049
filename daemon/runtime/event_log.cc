#include "daemon/runtime/event_log.h"

#include "core/timestamp.h"

#include <fmt/format.h>

#include <unistd.h>

namespace llmgw::daemon {

namespace {

const char* to_string(LogLevel level) {
  switch (level) {
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "error";
}

// RFC 3339 in UTC, always with milliseconds: "2026-12-07T20:29:10.042Z".
std::string log_time(Timestamp t) {
  const CivilTime c = to_civil(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year, c.month, c.day, c.hour,
                     c.minute, c.second, c.millisecond);
}

}  // namespace

void log_event(LogLevel level, std::string_view event, const nlohmann::ordered_json& fields) {
  std::string text = R"({"time":")";
  text += log_time(SystemClock().now());
  text += R"(","level":")";
  text += to_string(level);
  text += R"(","event":")";
  text += event;
  text += '"';
  if (fields.is_object() && !fields.empty()) {
    // The fields' own object, its opening brace replaced by the comma that joins them.
    std::string rest = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += ',';
    text.append(rest, 1, std::string::npos);
  } else {
    text += '}';
  }
  text += '\n';
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;  // logging must never fail the work it reports on
}

}  // namespace llmgw::daemon
