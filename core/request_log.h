#pragma once
// Reading the request log back, for `llmgw logs`. Ids grow in commit order (one writer at a
// time takes the next id and commits before the next writer starts), so "every row with an
// id above the last one seen" is exactly what was committed since.
#include "core/store.h"
#include "core/usage.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmgw {

struct LogEntry {
  std::int64_t id = 0;
  UsageRecord record;
};

// Absent fields match everything.
struct LogFilter {
  std::optional<std::string> key_id;
  std::optional<std::string> model;  // the requested or the served model
  std::optional<int> status;
  std::optional<std::string> endpoint;  // the path the request came to: "/v1/responses"
  std::optional<Timestamp> since;       // the request's time is this or later
};

class RequestLog {
public:
  explicit RequestLog(Store& store) : m_store(store) {}

  // The highest id in the log; 0 when it is empty.
  std::int64_t last_id();
  // At most `limit` matching entries with ids up to `up_to`, newest first.
  std::vector<LogEntry> newest(const LogFilter& filter, std::int64_t limit, std::int64_t up_to);
  // The matching entries with ids in (after, up_to], oldest first.
  std::vector<LogEntry> between(const LogFilter& filter, std::int64_t after, std::int64_t up_to);

private:
  // A negative `limit` is no limit.
  std::vector<LogEntry> between_newest_first(const LogFilter& filter, std::int64_t after,
                                             std::int64_t up_to, std::int64_t limit);

  Store& m_store;
};

}  // namespace llmgw
