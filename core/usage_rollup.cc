#include "core/usage_rollup.h"

namespace llmgw {

std::int64_t roll_up_log(Store& store, std::int64_t most) {
  auto tx = store.write_transaction();
  auto& progress = store.statement("SELECT log_id FROM usage_rollup_progress");
  const std::int64_t after = progress.executeStep() ? progress.getColumn(0).getInt64() : 0;
  progress.reset();
  auto& range = store.statement(
      "SELECT max(id), count(*) FROM (SELECT id FROM request_log WHERE id > ? ORDER BY id "
      "LIMIT ?)");
  range.bind(1, after);
  range.bind(2, most);
  range.executeStep();
  const std::int64_t count = range.getColumn(1).getInt64();
  const std::int64_t last = count > 0 ? range.getColumn(0).getInt64() : after;
  range.reset();
  if (count == 0) {
    return 0;
  }
  // What the view usage_facts says per log row and scope, but grouped by key, hour,
  // model and provider first and spread over the six scopes after: the sort is then over
  // the log rows, not over six facts per row.
  // tests/unit/usage_rollup_test.cc and the ledger audit of the gateway suites check that
  // the roll-ups equal what usage_facts adds up. An upsert from a SELECT needs a WHERE
  // clause, or SQLite takes ON CONFLICT for a join's ON.
  auto& add = store.statement(
      "WITH g AS ("
      " SELECT key_id, time - time % 3600000 AS hour,"
      "  CASE WHEN served_model = '' THEN requested_model ELSE served_model END AS model,"
      "  provider, count(*) AS requests, sum(status >= 400) AS errors,"
      "  sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,"
      "  sum(cached_tokens) AS cached_tokens,"
      "  sum(cache_write_5m_tokens + cache_write_1h_tokens) AS cache_write_tokens,"
      "  sum(reasoning_tokens) AS reasoning_tokens, sum(cost) AS cost"
      " FROM request_log WHERE id > ?1 AND id <= ?2 GROUP BY 1, 2, 3, 4) "
      "INSERT INTO usage_rollup (scope, key_id, hour, model, provider, requests, errors, "
      "  prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,"
      "  cost) "
      "SELECT s.scope, CASE WHEN s.by_key THEN g.key_id ELSE '' END, g.hour, "
      "  CASE WHEN s.by_model THEN g.model ELSE '' END, "
      "  CASE WHEN s.by_provider THEN g.provider ELSE '' END, sum(g.requests), sum(g.errors), "
      "  sum(g.prompt_tokens), sum(g.completion_tokens), sum(g.cached_tokens),"
      "  sum(g.cache_write_tokens), sum(g.reasoning_tokens), sum(g.cost) "
      "FROM g CROSS JOIN usage_scopes AS s WHERE true GROUP BY 1, 2, 3, 4, 5 "
      "ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, "
      "  errors = errors + excluded.errors, "
      "  prompt_tokens = prompt_tokens + excluded.prompt_tokens, "
      "  completion_tokens = completion_tokens + excluded.completion_tokens, "
      "  cached_tokens = cached_tokens + excluded.cached_tokens, "
      "  cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, "
      "  reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, "
      "  cost = cost + excluded.cost");
  add.bind(1, after);
  add.bind(2, last);
  add.exec();
  auto& advance = store.statement("UPDATE usage_rollup_progress SET log_id = ?");
  advance.bind(1, last);
  advance.exec();
  tx.commit();
  return count;
}

}  // namespace llmgw
