#include "core/usage.h"

#include "core/period.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

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
  // Each key's records, keys in order of first appearance.
  std::vector<std::pair<std::string, std::vector<const UsageRecord*>>> by_key;
  std::unordered_map<std::string_view, std::size_t> key_index;
  for (const UsageRecord& r : records) {
    auto [it, added] = key_index.try_emplace(r.key_id, by_key.size());
    if (added) {
      by_key.emplace_back(r.key_id, std::vector<const UsageRecord*>());
    }
    by_key[it->second].second.push_back(&r);
  }

  std::vector<KeyUsage> balances;
  if (records.empty()) {
    return balances;
  }
  balances.reserve(by_key.size());
  auto tx = m_store.write_transaction();
  for (const UsageRecord& r : records) {
    insert(r);
  }
  for (const auto& [key_id, key_records] : by_key) {
    if (auto usage = charge_key(key_id, key_records)) {
      balances.push_back(std::move(*usage));
    }
  }
  tx.commit();
  return balances;
}

void UsageLedger::insert(const UsageRecord& r) {
  auto& insert = m_store.statement(
      "INSERT INTO request_log (request_id, time, key_id, requested_model, served_model, "
      "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, cost, "
      "estimated, streamed, cancelled, latency_ms, ttft_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  // The texts are bound without a copy: `r` outlives the statement's run, and the next
  // use of the statement clears its bindings (Store::statement).
  insert.bindNoCopy(1, r.request_id);
  insert.bind(2, static_cast<std::int64_t>(r.time));
  insert.bindNoCopy(3, r.key_id);
  insert.bindNoCopy(4, r.requested_model);
  insert.bindNoCopy(5, r.served_model);
  insert.bindNoCopy(6, r.provider);
  insert.bind(7, r.status);
  insert.bindNoCopy(8, r.error_code);
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
}

std::optional<KeyUsage> UsageLedger::charge_key(const std::string& key_id,
                                                const std::vector<const UsageRecord*>& records) {
  // Each window comes from the stored anchor and the request's time, so a charge is right
  // whatever the caller had cached about the key.
  auto& select = m_store.statement("SELECT period, period_anchor FROM api_keys WHERE id = ?");
  select.bindNoCopy(1, key_id);
  if (!select.executeStep()) {
    select.reset();
    return std::nullopt;
  }
  std::optional<Period> period;
  Timestamp anchor = 0;
  if (!select.getColumn(0).isNull()) {
    period = Period::parse(select.getColumn(0).getString());
    anchor = select.getColumn(1).getInt64();
  }
  select.reset();

  // One update per run of records in the same window (a batch rarely spans two).
  std::optional<KeyUsage> usage;
  for (std::size_t i = 0; i < records.size();) {
    std::optional<Timestamp> window;
    if (period) {
      window = period->window_at(anchor, records[i]->time).start;
    }
    Money cost;
    Timestamp last_used = 0;
    for (; i < records.size(); ++i) {
      if (period && period->window_at(anchor, records[i]->time).start != *window) {
        break;
      }
      cost += records[i]->cost;
      last_used = std::max(last_used, records[i]->time);
    }
    auto& update = m_store.statement(
        "UPDATE api_keys SET usage = usage + ?1, "
        "period_usage = CASE WHEN ?2 IS NULL THEN period_usage "
        "  WHEN period_start = ?2 THEN period_usage + ?1 ELSE ?1 END, "
        "period_start = coalesce(?2, period_start), "
        "last_used_at = max(coalesce(last_used_at, 0), ?3) WHERE id = ?4");
    update.bind(1, static_cast<std::int64_t>(cost.units()));
    if (window) {
      update.bind(2, static_cast<std::int64_t>(*window));
    } else {
      update.bind(2);
    }
    update.bind(3, static_cast<std::int64_t>(last_used));
    update.bindNoCopy(4, key_id);
    update.exec();
  }
  // Read back in the same transaction. (RETURNING would do it in the update, but SQLite
  // collects the rows it returns in a temporary table: some thirty allocations a batch.)
  auto& balance = m_store.statement(
      "SELECT usage, period_usage, coalesce(period_start, 0), last_used_at FROM api_keys "
      "WHERE id = ?");
  balance.bindNoCopy(1, key_id);
  if (balance.executeStep()) {
    usage = KeyUsage{key_id, Money::from_units(balance.getColumn(0).getInt64()),
                     Money::from_units(balance.getColumn(1).getInt64()),
                     balance.getColumn(2).getInt64(), balance.getColumn(3).getInt64()};
  }
  balance.reset();
  return usage;
}

}  // namespace llmgw
