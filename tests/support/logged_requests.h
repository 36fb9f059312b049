#pragma once
// Request-log rows with known values, written the way the daemon writes them: through
// core's UsageLedger, so the roll-ups that reports read are kept as in production.
#include "core/usage.h"

#include <cstdint>
#include <string>
#include <vector>

namespace test {

// A request of `key_id` at `time` (ISO-8601). It was served by `model` on `provider`, or,
// when `provider` is "", refused before any provider (served_model stays "").
llmgw::UsageRecord request(const std::string& key_id, const std::string& time,
                           const std::string& model, const std::string& provider,
                           int status = 200, std::int64_t prompt_tokens = 0,
                           std::int64_t completion_tokens = 0, std::int64_t cached_tokens = 0,
                           const std::string& cost_usd = "0");

// Commits `records` to the database at `db` in one transaction.
void log_requests(const std::string& db, const std::vector<llmgw::UsageRecord>& records);

}  // namespace test
