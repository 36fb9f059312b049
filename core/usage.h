#pragma once
// What one proxied request cost, and the ledger that records it: a request-log row and the
// key's usage move together, in one transaction, or not at all.
#include "core/money.h"
#include "core/store.h"
#include "core/timestamp.h"

#include <cstddef>
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
  std::string endpoint;  // the path the request came to ("/v1/responses")
  std::string client_address;  // "203.0.113.7", "2001:db8::1"; empty when unknown
  std::string requested_model;
  std::string served_model;  // canonical id; empty when nothing was served
  std::string provider;      // empty when no provider was tried
  int status = 0;
  std::string error_code;    // empty on success
  // As in TokenUsage (core/wire/token_usage.h): the prompt holds the cache reads (`cached`)
  // and writes, the completion holds the reasoning.
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::int64_t cache_write_5m_tokens = 0;
  std::int64_t cache_write_1h_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  Money cost;
  Flag estimated = Flag::no;  // tokens counted by llmgw because the upstream sent no usage
  Flag streamed = Flag::no;
  Flag cancelled = Flag::no;  // the client went away before the end
  std::int64_t latency_ms = 0;
  std::optional<std::int64_t> ttft_ms;
  // The id of the response a Responses request made (the provider's), empty for none.
  std::string response_id;
};

// A key's usage as committed, right after a charge.
struct KeyUsage {
  std::string key_id;
  Money usage;
  Money period_usage;
  Timestamp period_start = 0;
  Timestamp last_used_at = 0;
};

// What a commit did with one record.
enum class RecordOutcome {
  committed,            // logged, and charged to its key (when the key row exists)
  negative_cost,        // refused: neither logged nor charged
  usage_out_of_range,   // refused: its key's lifetime or period usage would pass the
                        // largest amount (core/money.h); neither logged nor charged
};

// The outcome of UsageLedger::commit().
struct LedgerCommit {
  // Each key's usage after the batch, keys in order of first appearance (nothing for a
  // key whose row is gone).
  std::vector<KeyUsage> balances;
  std::vector<RecordOutcome> outcomes;  // one per record, in the batch's order
};

class UsageLedger {
public:
  explicit UsageLedger(Store& store) : m_store(store) {}

  // Writes the records and charges each key, all in one BEGIN IMMEDIATE transaction.
  // Charges use the key row as it is in the database at that moment, in record order.
  // A record that cannot be charged (see RecordOutcome) is refused alone: the others
  // commit as if it were not in the batch. New usage is computed here with checked
  // arithmetic and written whole, so the database never sums money itself (SQLite turns
  // an integer sum that overflows into an inexact REAL). One insert per committed record,
  // one key update per key. The roll-ups follow later (core/usage_rollup.h).
  // Throws what the database throws (the transaction is then rolled back).
  LedgerCommit commit(const std::vector<UsageRecord>& records);

private:
  void insert(const UsageRecord& record);
  // Charges `key_id` with the records of `records` at `indexes` (all its records in the
  // batch, in order), marking in `outcomes` those it cannot charge. Nothing when the key
  // row is gone (its log rows still record the requests).
  std::optional<KeyUsage> charge_key(const std::string& key_id,
                                     const std::vector<UsageRecord>& records,
                                     const std::vector<std::size_t>& indexes,
                                     std::vector<RecordOutcome>& outcomes);

  Store& m_store;
};

}  // namespace llmgw
