#pragma once
// Request-log rows with known values, written the way the daemon writes them: through
// core's UsageLedger.
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

// SQL for the requests a usage report counts: those in the roll-ups plus the log rows not
// rolled up yet (core/usage_rollup.h).
inline constexpr const char* k_requests_in_reports =
    "SELECT (SELECT coalesce(sum(requests), 0) FROM usage_rollup WHERE scope = 'total') + "
    "(SELECT count(*) FROM request_log WHERE id > (SELECT log_id FROM usage_rollup_progress))";

// Commits `records` to the database at `db` in one transaction (roll-ups not updated, as
// the daemon does until its next roll-up).
void log_requests(const std::string& db, const std::vector<llmgw::UsageRecord>& records);

}  // namespace test
