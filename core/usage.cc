#include "core/usage.h"

namespace llmgw {

void charge(ApiKey& key, Money cost, Timestamp now) {
  key.usage += cost;
  if (key.period_limit) {
    PeriodLimit& p = *key.period_limit;
    Timestamp start = p.window_at(now).start;
    p.usage = (start == p.window_start ? p.usage : Money()) + cost;
    p.window_start = start;
  }
  key.last_used_at = now;
}

std::vector<KeyUsage> UsageLedger::commit(const std::vector<UsageRecord>& records) {
  std::vector<KeyUsage> balances;
  balances.reserve(records.size());
  auto tx = m_store.write_transaction();
  for (const UsageRecord& r : records) {
    // The insert also adds the row to the hourly usage roll-ups, in the same statement
    // (trigger request_log_rollup, migration step 5; read by core/usage_report.h).
    auto& insert = m_store.statement(
        "INSERT INTO request_log (request_id, time, key_id, requested_model, served_model, "
        "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, cost, "
        "estimated, streamed, cancelled, latency_ms, ttft_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, r.request_id);
    insert.bind(2, static_cast<std::int64_t>(r.time));
    insert.bind(3, r.key_id);
    insert.bind(4, r.requested_model);
    insert.bind(5, r.served_model);
    insert.bind(6, r.provider);
    insert.bind(7, r.status);
    insert.bind(8, r.error_code);
    insert.bind(9, static_cast<std::int64_t>(r.prompt_tokens));
    insert.bind(10, static_cast<std::int64_t>(r.completion_tokens));
    insert.bind(11, static_cast<std::int64_t>(r.cached_tokens));
    insert.bind(12, static_cast<std::int64_t>(r.cost.units()));
    insert.bind(13, r.estimated == Flag::yes ? 1 : 0);
    insert.bind(14, r.streamed == Flag::yes ? 1 : 0);
    insert.bind(15, r.cancelled == Flag::yes ? 1 : 0);
    insert.bind(16, static_cast<std::int64_t>(r.latency_ms));
    if (r.ttft_ms) {
      insert.bind(17, static_cast<std::int64_t>(*r.ttft_ms));
    } else {
      insert.bind(17);
    }
    insert.exec();

    // The window comes from the stored anchor and the request's time, so a charge is right
    // whatever the caller had cached about the key.
    auto& select = m_store.statement(
        "SELECT period, period_anchor, period_start FROM api_keys WHERE id = ?");
    select.bind(1, r.key_id);
    if (!select.executeStep()) {
      select.reset();
      continue;  // the key row is gone; the log row still records the request
    }
    std::optional<Timestamp> window_start;
    if (!select.getColumn(0).isNull()) {
      Period period = Period::parse(select.getColumn(0).getString());
      window_start = period.window_at(select.getColumn(1).getInt64(), r.time).start;
    }
    select.reset();

    auto& update = m_store.statement(
        "UPDATE api_keys SET usage = usage + ?1, "
        "period_usage = CASE WHEN ?2 IS NULL THEN period_usage "
        "  WHEN period_start = ?2 THEN period_usage + ?1 ELSE ?1 END, "
        "period_start = coalesce(?2, period_start), "
        "last_used_at = max(coalesce(last_used_at, 0), ?3) WHERE id = ?4 "
        "RETURNING usage, period_usage, coalesce(period_start, 0), last_used_at");
    update.bind(1, static_cast<std::int64_t>(r.cost.units()));
    if (window_start) {
      update.bind(2, static_cast<std::int64_t>(*window_start));
    } else {
      update.bind(2);
    }
    update.bind(3, static_cast<std::int64_t>(r.time));
    update.bind(4, r.key_id);
    if (update.executeStep()) {
      balances.push_back(KeyUsage{r.key_id, Money::from_units(update.getColumn(0).getInt64()),
                                  Money::from_units(update.getColumn(1).getInt64()),
                                  update.getColumn(2).getInt64(),
                                  update.getColumn(3).getInt64()});
    }
    update.reset();
  }
  tx.commit();
  return balances;
}

}  // namespace llmgw
