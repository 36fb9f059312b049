#include "core/usage.h"

#include "core/error.h"
#include "core/period.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace llmgw {

namespace {

// `a + b`, or nothing past the largest amount.
std::optional<Money> checked_sum(Money a, Money b) {
  try {
    return a + b;
  } catch (const Error&) {
    return std::nullopt;  // Money's checked sum throws rather than overflow
  }
}

}  // namespace

LedgerCommit UsageLedger::commit(const std::vector<UsageRecord>& records) {
  LedgerCommit result;
  result.outcomes.assign(records.size(), RecordOutcome::committed);
  // The indexes of each key's chargeable records, keys in order of first appearance.
  std::vector<std::pair<std::string, std::vector<std::size_t>>> by_key;
  std::unordered_map<std::string_view, std::size_t> key_index;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const UsageRecord& r = records[i];
    if (r.cost < Money()) {
      result.outcomes[i] = RecordOutcome::negative_cost;
      continue;
    }
    auto [it, added] = key_index.try_emplace(r.key_id, by_key.size());
    if (added) {
      by_key.emplace_back(r.key_id, std::vector<std::size_t>());
    }
    by_key[it->second].second.push_back(i);
  }
  if (by_key.empty()) {
    return result;
  }

  result.balances.reserve(by_key.size());
  auto tx = m_store.write_transaction();
  for (const auto& [key_id, indexes] : by_key) {
    if (auto usage = charge_key(key_id, records, indexes, result.outcomes)) {
      result.balances.push_back(std::move(*usage));
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (result.outcomes[i] == RecordOutcome::committed) {
      insert(records[i]);
    }
  }
  tx.commit();
  return result;
}

void UsageLedger::insert(const UsageRecord& r) {
  auto& insert = m_store.statement(
      "INSERT INTO request_log (request_id, time, key_id, requested_model, served_model, "
      "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, cost, "
      "estimated, streamed, cancelled, latency_ms, ttft_ms, cache_write_5m_tokens, "
      "cache_write_1h_tokens, reasoning_tokens, endpoint, response_id, client_address) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
  insert.bind(18, static_cast<std::int64_t>(r.cache_write_5m_tokens));
  insert.bind(19, static_cast<std::int64_t>(r.cache_write_1h_tokens));
  insert.bind(20, static_cast<std::int64_t>(r.reasoning_tokens));
  insert.bindNoCopy(21, r.endpoint);
  if (r.response_id.empty()) {
    insert.bind(22);
  } else {
    insert.bindNoCopy(22, r.response_id);
  }
  if (r.client_address.empty()) {
    insert.bind(23);
  } else {
    insert.bindNoCopy(23, r.client_address);
  }
  insert.exec();
}

std::optional<KeyUsage> UsageLedger::charge_key(const std::string& key_id,
                                                const std::vector<UsageRecord>& records,
                                                const std::vector<std::size_t>& indexes,
                                                std::vector<RecordOutcome>& outcomes) {
  auto& select = m_store.statement(
      "SELECT period, period_anchor, usage, period_usage, period_start, last_used_at "
      "FROM api_keys WHERE id = ?");
  select.bindNoCopy(1, key_id);
  if (!select.executeStep()) {
    select.reset();
    return std::nullopt;
  }
  std::optional<Period> period;
  Timestamp anchor = 0;
  if (!select.getColumn("period").isNull()) {
    period = Period::parse(select.getColumn("period").getString());
    anchor = select.getColumn("period_anchor").getInt64();
  }
  Money usage = Money::from_units(select.getColumn("usage").getInt64());
  Money period_usage = Money::from_units(select.getColumn("period_usage").getInt64());
  std::optional<Timestamp> period_start;
  if (!select.getColumn("period_start").isNull()) {
    period_start = select.getColumn("period_start").getInt64();
  }
  Timestamp last_used = select.getColumn("last_used_at").getInt64();  // 0 when NULL
  select.reset();

  // Each window comes from the stored anchor and the request's time, so a charge is right
  // whatever the caller had cached about the key.
  bool charged = false;
  for (std::size_t i : indexes) {
    const UsageRecord& r = records[i];
    std::optional<Timestamp> window;
    if (period) {
      window = period->window_at(anchor, r.time).start;
    }
    // A request that began in a window already closed (it committed after one of the next
    // window) counts toward the lifetime usage only: its window is over, the current one
    // stays as it is.
    if (window && period_start && *window < *period_start) {
      window.reset();
    }
    std::optional<Money> new_usage = checked_sum(usage, r.cost);
    std::optional<Money> new_period_usage = period_usage;
    if (window) {
      new_period_usage = checked_sum(window == period_start ? period_usage : Money(), r.cost);
    }
    if (!new_usage || !new_period_usage) {
      outcomes[i] = RecordOutcome::usage_out_of_range;
      continue;
    }
    usage = *new_usage;
    period_usage = *new_period_usage;
    if (window) {
      period_start = window;
    }
    last_used = std::max(last_used, r.time);
    charged = true;
  }
  if (charged) {
    auto& update = m_store.statement(
        "UPDATE api_keys SET usage = ?1, period_usage = ?2, period_start = ?3, "
        "last_used_at = ?4 WHERE id = ?5");
    update.bind(1, static_cast<std::int64_t>(usage.units()));
    update.bind(2, static_cast<std::int64_t>(period_usage.units()));
    if (period_start) {
      update.bind(3, static_cast<std::int64_t>(*period_start));
    } else {
      update.bind(3);
    }
    update.bind(4, static_cast<std::int64_t>(last_used));
    update.bindNoCopy(5, key_id);
    update.exec();
  }
  return KeyUsage{key_id, usage, period_usage, period_start.value_or(0), last_used};
}

}  // namespace llmgw
