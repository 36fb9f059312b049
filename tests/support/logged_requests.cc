#include "tests/support/logged_requests.h"

#include "core/store.h"

namespace test {

llmgw::UsageRecord request(const std::string& key_id, const std::string& time,
                           const std::string& model, const std::string& provider, int status,
                           std::int64_t prompt_tokens, std::int64_t completion_tokens,
                           std::int64_t cached_tokens, const std::string& cost_usd) {
  llmgw::UsageRecord r;
  r.time = llmgw::parse_iso(time, "time");
  r.request_id = "req_" + std::to_string(r.time);
  r.key_id = key_id;
  r.requested_model = model;
  r.served_model = provider.empty() ? "" : model;
  r.provider = provider;
  r.status = status;
  r.error_code = status >= 400 ? "error_" + std::to_string(status) : "";
  r.prompt_tokens = prompt_tokens;
  r.completion_tokens = completion_tokens;
  r.cached_tokens = cached_tokens;
  r.cost = llmgw::Money::parse_usd(cost_usd);
  r.latency_ms = 100;
  return r;
}

void log_requests(const std::string& db, const std::vector<llmgw::UsageRecord>& records) {
  llmgw::Store store(db);
  llmgw::UsageLedger(store).commit(records);
}

}  // namespace test
