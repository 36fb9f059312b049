#pragma once
// What one proxied request cost, and the ledger that records it: a request-log row and the
// key's usage move together, in one transaction, or not at all.
#include "core/api_key.h"
#include "core/money.h"
#include "core/store.h"
#include "core/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmgw {

enum class Flag { yes, no };

struct UsageRecord {
  std::string request_id;
  Timestamp time = 0;
  std::string key_id;
  std::string requested_model;
  std::string served_model;  // canonical id; empty when nothing was served
  std::string provider;      // empty when no provider was tried
  int status = 0;
  std::string error_code;    // empty on success
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_tokens = 0;
  Money cost;
  Flag estimated = Flag::no;  // tokens counted by llmgw because the upstream sent no usage
  Flag streamed = Flag::no;
  Flag cancelled = Flag::no;  // the client went away before the end
  std::int64_t latency_ms = 0;
  std::optional<std::int64_t> ttft_ms;
};

// Adds `cost` to the key's lifetime usage and to its current period window (starting a new
// window when the stored one has passed), and marks it used at `now`.
void charge(ApiKey& key, Money cost, Timestamp now);

// A key's usage as committed, right after a charge.
struct KeyUsage {
  std::string key_id;
  Money usage;
  Money period_usage;
  Timestamp period_start = 0;
  Timestamp last_used_at = 0;
};

class UsageLedger {
public:
  explicit UsageLedger(Store& store) : m_store(store) {}

  // Writes every record and charges each key, all in one BEGIN IMMEDIATE transaction.
  // Charges use the key row as it is in the database at that moment, in record order.
  // Returns each charged key's usage after the last of its charges, in order of first
  // appearance (nothing for a vanished key). One insert per record, one key update per key
  // and period window. The roll-ups follow later (core/usage_rollup.h).
  std::vector<KeyUsage> commit(const std::vector<UsageRecord>& records);

private:
  void insert(const UsageRecord& record);
  // Charges `key_id` with `records` (all its records in the batch, in order); nothing when
  // the key row is gone (its log rows still record the requests).
  std::optional<KeyUsage> charge_key(const std::string& key_id,
                                     const std::vector<const UsageRecord*>& records);

  Store& m_store;
};

}  // namespace llmgw
