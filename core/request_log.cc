#include "core/request_log.h"

#include <algorithm>

namespace llmgw {

namespace {

Flag flag(const SQLite::Column& column) {
  return column.getInt() != 0 ? Flag::yes : Flag::no;
}

LogEntry entry_from(SQLite::Statement& row) {
  LogEntry e;
  e.id = row.getColumn(0).getInt64();
  UsageRecord& r = e.record;
  r.request_id = row.getColumn(1).getString();
  r.time = row.getColumn(2).getInt64();
  r.key_id = row.getColumn(3).getString();
  r.requested_model = row.getColumn(4).getString();
  r.served_model = row.getColumn(5).getString();
  r.provider = row.getColumn(6).getString();
  r.status = row.getColumn(7).getInt();
  r.error_code = row.getColumn(8).getString();
  r.prompt_tokens = row.getColumn(9).getInt64();
  r.completion_tokens = row.getColumn(10).getInt64();
  r.cached_tokens = row.getColumn(11).getInt64();
  r.cost = Money::from_units(row.getColumn(12).getInt64());
  r.estimated = flag(row.getColumn(13));
  r.streamed = flag(row.getColumn(14));
  r.cancelled = flag(row.getColumn(15));
  r.latency_ms = row.getColumn(16).getInt64();
  if (!row.getColumn(17).isNull()) {
    r.ttft_ms = row.getColumn(17).getInt64();
  }
  r.cache_write_5m_tokens = row.getColumn(18).getInt64();
  r.cache_write_1h_tokens = row.getColumn(19).getInt64();
  r.reasoning_tokens = row.getColumn(20).getInt64();
  r.endpoint = row.getColumn(21).getString();
  r.response_id = row.getColumn(22).getString();  // NULL reads as ""
  r.client_address = row.getColumn(23).getString();
  return e;
}

}  // namespace

std::int64_t RequestLog::last_id() {
  auto& select = m_store.statement("SELECT coalesce(max(id), 0) FROM request_log");
  select.executeStep();
  std::int64_t id = select.getColumn(0).getInt64();
  select.reset();
  return id;
}

std::vector<LogEntry> RequestLog::newest(const LogFilter& filter, std::int64_t limit,
                                         std::int64_t up_to) {
  return between_newest_first(filter, 0, up_to, limit);
}

std::vector<LogEntry> RequestLog::between(const LogFilter& filter, std::int64_t after,
                                          std::int64_t up_to) {
  std::vector<LogEntry> entries = between_newest_first(filter, after, up_to, -1);
  std::reverse(entries.begin(), entries.end());
  return entries;
}

std::vector<LogEntry> RequestLog::between_newest_first(const LogFilter& filter,
                                                       std::int64_t after, std::int64_t up_to,
                                                       std::int64_t limit) {
  auto& select = m_store.statement(
      "SELECT id, request_id, time, key_id, requested_model, served_model, provider, status, "
      "error_code, prompt_tokens, completion_tokens, cached_tokens, cost, estimated, streamed, "
      "cancelled, latency_ms, ttft_ms, cache_write_5m_tokens, cache_write_1h_tokens, "
      "reasoning_tokens, endpoint, response_id, client_address FROM request_log "
      "WHERE id > :after AND id <= :up_to AND (:key IS NULL OR key_id = :key) "
      "AND (:model IS NULL OR requested_model = :model OR served_model = :model) "
      "AND (:status IS NULL OR status = :status) "
      "AND (:endpoint IS NULL OR endpoint = :endpoint) AND (:since IS NULL OR time >= :since) "
      "ORDER BY id DESC LIMIT :limit");
  select.bind(":after", after);
  select.bind(":up_to", up_to);
  if (filter.key_id) {
    select.bind(":key", *filter.key_id);
  }
  if (filter.model) {
    select.bind(":model", *filter.model);
  }
  if (filter.status) {
    select.bind(":status", *filter.status);
  }
  if (filter.endpoint) {
    select.bind(":endpoint", *filter.endpoint);
  }
  if (filter.since) {
    select.bind(":since", *filter.since);
  }
  select.bind(":limit", limit);
  std::vector<LogEntry> entries;
  while (select.executeStep()) {
    entries.push_back(entry_from(select));
  }
  select.reset();
  return entries;
}

}  // namespace llmgw
