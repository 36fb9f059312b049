#include "core/rollup_batch.h"

namespace llmgw {

void RollupBatch::add(const UsageRecord& r) {
  const Timestamp hour = r.time - r.time % k_ms_per_hour;
  // A request's model is the served one, or the requested one when nothing was served.
  std::string_view model = r.served_model.empty() ? r.requested_model : r.served_model;
  const Row rows[] = {
      {"total", "", hour, "", ""},
      {"key", r.key_id, hour, "", ""},
      {"model", "", hour, model, ""},
      {"provider", "", hour, "", r.provider},
      {"key_model", r.key_id, hour, model, ""},
      {"key_provider", r.key_id, hour, "", r.provider},
  };
  for (const Row& row : rows) {
    Sums& sums = m_rows[row];
    sums.requests += 1;
    sums.errors += r.status >= 400 ? 1 : 0;
    sums.prompt_tokens += r.prompt_tokens;
    sums.completion_tokens += r.completion_tokens;
    sums.cached_tokens += r.cached_tokens;
    sums.cost += r.cost.units();
  }
}

void RollupBatch::write(Store& store) const {
  for (const auto& [row, sums] : m_rows) {
    auto& upsert = store.statement(
        "INSERT INTO usage_rollup (scope, key_id, hour, model, provider, requests, errors, "
        "  prompt_tokens, completion_tokens, cached_tokens, cost) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, "
        "  errors = errors + excluded.errors, "
        "  prompt_tokens = prompt_tokens + excluded.prompt_tokens, "
        "  completion_tokens = completion_tokens + excluded.completion_tokens, "
        "  cached_tokens = cached_tokens + excluded.cached_tokens, cost = cost + excluded.cost");
    upsert.bind(1, std::string(std::get<0>(row)));
    upsert.bind(2, std::string(std::get<1>(row)));
    upsert.bind(3, static_cast<std::int64_t>(std::get<2>(row)));
    upsert.bind(4, std::string(std::get<3>(row)));
    upsert.bind(5, std::string(std::get<4>(row)));
    upsert.bind(6, sums.requests);
    upsert.bind(7, sums.errors);
    upsert.bind(8, sums.prompt_tokens);
    upsert.bind(9, sums.completion_tokens);
    upsert.bind(10, sums.cached_tokens);
    upsert.bind(11, sums.cost);
    upsert.exec();
  }
}

}  // namespace llmgw
