#include "tests/support/ledger_audit.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <unordered_set>

namespace test {

namespace {

// A read-only connection beside a running daemon's, waiting out its commits.
SQLite::Database open_for_audit(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  db.setBusyTimeout(5000);
  return db;
}

// Appends a line `label` + ":" + the row's columns, for every row `sql` returns.
void report_rows(SQLite::Database& db, const std::string& label, const std::string& sql,
                 std::string& violations) {
  SQLite::Statement query(db, sql);
  while (query.executeStep()) {
    violations += label + ":";
    for (int i = 0; i < query.getColumnCount(); ++i) {
      violations += " " + query.getColumn(i).getString();
    }
    violations += "\n";
  }
}

// Each roll-up row as the log rolled up so far adds it up (the view usage_facts gives
// every log row once per scope; usage_rollup_progress says how far the roll-ups reach).
const char* const k_rollup_from_log =
    "SELECT scope, key_id, hour, model, provider, count(*), sum(error), sum(prompt_tokens), "
    "sum(completion_tokens), sum(cached_tokens), sum(cost), sum(cache_write_tokens), "
    "sum(reasoning_tokens) FROM usage_facts "
    "WHERE log_id <= (SELECT log_id FROM usage_rollup_progress) "
    "GROUP BY scope, key_id, hour, model, provider";

}  // namespace

std::string ledger_violations(const std::string& path) {
  SQLite::Database db = open_for_audit(path);
  std::string violations;
  report_rows(db, "integrity",
              "SELECT integrity_check FROM pragma_integrity_check "
              "WHERE integrity_check != 'ok'",
              violations);
  report_rows(db, "usage",
              "SELECT id, usage, logged FROM (SELECT id, usage, (SELECT coalesce(sum(cost), 0) "
              "FROM request_log WHERE key_id = api_keys.id) AS logged FROM api_keys) "
              "WHERE usage != logged",
              violations);
  report_rows(db, "period usage",
              "SELECT id, period_usage, logged FROM (SELECT id, period_usage, "
              "(SELECT coalesce(sum(cost), 0) FROM request_log WHERE key_id = api_keys.id "
              "AND time >= api_keys.period_start) AS logged FROM api_keys "
              "WHERE period IS NOT NULL) WHERE period_usage != logged",
              violations);
  report_rows(db, "roll-up progress past the log",
              "SELECT log_id FROM usage_rollup_progress "
              "WHERE log_id > (SELECT coalesce(max(id), 0) FROM request_log)",
              violations);
  report_rows(db, "roll-up not in the log",
              std::string("SELECT * FROM usage_rollup EXCEPT ") + k_rollup_from_log, violations);
  report_rows(db, "log not in the roll-up",
              std::string(k_rollup_from_log) + " EXCEPT SELECT * FROM usage_rollup", violations);
  return violations;
}

std::vector<std::string> missing_log_rows(const std::string& path,
                                          const std::vector<std::string>& request_ids) {
  SQLite::Database db = open_for_audit(path);
  std::unordered_set<std::string> logged;
  SQLite::Statement query(db, "SELECT request_id FROM request_log");
  while (query.executeStep()) {
    logged.insert(query.getColumn(0).getString());
  }
  std::vector<std::string> missing;
  for (const std::string& id : request_ids) {
    if (logged.count(id) == 0) {
      missing.push_back(id);
    }
  }
  return missing;
}

}  // namespace test
