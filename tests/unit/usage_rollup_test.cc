// The hourly roll-ups of migration step 5: added from the log by roll_up_log() in steps of
// any size, and backfilled for rows logged before step 5.
#include "core/migrations.h"
#include "core/store.h"
#include "core/usage.h"
#include "core/usage_rollup.h"
#include "tests/support/logged_requests.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <string>

using test::request;

namespace {

// The request with cache writes (5 minutes and an hour) and reasoning.
llmgw::UsageRecord with_parts(llmgw::UsageRecord r) {
  r.cache_write_5m_tokens = 7;
  r.cache_write_1h_tokens = 3;
  r.reasoning_tokens = 4;
  return r;
}

const std::vector<llmgw::UsageRecord> k_requests = {
    with_parts(
        request("key_a", "2026-11-27T10:05:00Z", "gpt-4o", "openai", 200, 100, 10, 5, "0.001")),
    request("key_a", "2026-11-27T10:30:00Z", "gpt-4o", "openai", 200, 200, 20, 0, "0.002"),
    request("key_b", "2026-11-27T10:59:59.999Z", "o3", "", 403),
    request("key_b", "2026-11-27T11:00:00Z", "claude", "anthropic", 500, 300, 0, 0, "0"),
};

std::string rollup(SQLite::Database& db) {
  SQLite::Statement rows(db, "SELECT * FROM usage_rollup ORDER BY scope, key_id, hour, model, "
                             "provider");
  std::string out;
  while (rows.executeStep()) {
    for (int i = 0; i < rows.getColumnCount(); ++i) {
      out += rows.getColumn(i).getString() + (i + 1 < rows.getColumnCount() ? "|" : "\n");
    }
  }
  return out;
}

constexpr const char* k_expected =
    "key|key_a|1795773600000|||2|0|300|30|5|3000000000|10|4\n"
    "key|key_b|1795773600000|||1|1|0|0|0|0|0|0\n"
    "key|key_b|1795777200000|||1|1|300|0|0|0|0|0\n"
    "key_model|key_a|1795773600000|gpt-4o||2|0|300|30|5|3000000000|10|4\n"
    "key_model|key_b|1795773600000|o3||1|1|0|0|0|0|0|0\n"
    "key_model|key_b|1795777200000|claude||1|1|300|0|0|0|0|0\n"
    "key_provider|key_a|1795773600000||openai|2|0|300|30|5|3000000000|10|4\n"
    "key_provider|key_b|1795773600000|||1|1|0|0|0|0|0|0\n"
    "key_provider|key_b|1795777200000||anthropic|1|1|300|0|0|0|0|0\n"
    "model||1795773600000|gpt-4o||2|0|300|30|5|3000000000|10|4\n"
    "model||1795773600000|o3||1|1|0|0|0|0|0|0\n"
    "model||1795777200000|claude||1|1|300|0|0|0|0|0\n"
    "provider||1795773600000|||1|1|0|0|0|0|0|0\n"
    "provider||1795773600000||openai|2|0|300|30|5|3000000000|10|4\n"
    "provider||1795777200000||anthropic|1|1|300|0|0|0|0|0\n"
    "total||1795773600000|||3|1|300|30|5|3000000000|10|4\n"
    "total||1795777200000|||1|1|300|0|0|0|0|0\n";

}  // namespace

TEST_CASE("usage roll-up: every logged request adds to one row per scope and hour") {
  test::TempDir dir;
  llmgw::Store store(dir.file("llmgw.db"));
  llmgw::UsageLedger(store).commit(k_requests);
  CHECK(rollup(store.db()).empty());  // the ledger logs; roll-ups come after
  CHECK(llmgw::roll_up_log(store, 1000) == 4);
  CHECK(rollup(store.db()) == k_expected);
  CHECK(store.db().execAndGet("SELECT log_id FROM usage_rollup_progress").getInt64() == 4);
  CHECK(llmgw::roll_up_log(store, 1000) == 0);  // nothing twice
  CHECK(rollup(store.db()) == k_expected);
}

TEST_CASE("usage roll-up: the same requests logged and rolled up in any steps give the same "
          "roll-ups") {
  for (std::size_t split = 0; split <= k_requests.size(); ++split) {
    for (std::int64_t step = 1; step <= 4; ++step) {
      CAPTURE(split);
      CAPTURE(step);
      test::TempDir dir;
      llmgw::Store store(dir.file("llmgw.db"));
      llmgw::UsageLedger ledger(store);
      ledger.commit({k_requests.begin(), k_requests.begin() + split});
      llmgw::roll_up_log(store, step);  // some of the first batch, at most `step` rows
      for (auto r = k_requests.begin() + split; r != k_requests.end(); ++r) {
        ledger.commit({*r});
      }
      for (std::size_t i = 0; i < k_requests.size(); ++i) {  // enough steps for the rest
        llmgw::roll_up_log(store, step);
      }
      CHECK(rollup(store.db()) == k_expected);
    }
  }
}

TEST_CASE("usage roll-up: migrating a database with a log backfills its roll-ups") {
  test::TempDir dir;
  std::string path = dir.file("old.db");
  {
    llmgw::Store store(path);
    llmgw::UsageLedger(store).commit(k_requests);
    // Back to version 4, with the log as it was: steps 5 to 17 and 19 leave exactly these
    // objects (step 18 rebuilds iam_rules as it finds it).
    store.db().exec("DROP TABLE usage_rollup; DROP VIEW usage_facts; DROP TABLE usage_scopes; "
                    "DROP TABLE usage_rollup_progress; DROP TRIGGER api_keys_usage_insert; "
                    "DROP TRIGGER api_keys_usage_update; DROP TRIGGER request_log_cost_insert; "
                    "ALTER TABLE catalog_providers DROP COLUMN kind; "
                    "ALTER TABLE catalog_providers DROP COLUMN responses; "
                    "ALTER TABLE catalog_mappings DROP COLUMN cache_write_price; "
                    "ALTER TABLE catalog_mappings DROP COLUMN cache_write_1h_price; "
                    "ALTER TABLE catalog_mappings DROP COLUMN long_context_above; "
                    "ALTER TABLE catalog_mappings DROP COLUMN long_context_input_price; "
                    "ALTER TABLE catalog_mappings DROP COLUMN long_context_output_price; "
                    "ALTER TABLE request_log DROP COLUMN cache_write_5m_tokens; "
                    "ALTER TABLE request_log DROP COLUMN cache_write_1h_tokens; "
                    "ALTER TABLE request_log DROP COLUMN reasoning_tokens; "
                    "DROP INDEX request_log_response_id; "
                    "ALTER TABLE request_log DROP COLUMN endpoint; "
                    "ALTER TABLE request_log DROP COLUMN response_id; "
                    "ALTER TABLE request_log DROP COLUMN client_address; "
                    "DROP TRIGGER api_keys_traffic_update; "
                    "ALTER TABLE api_keys DROP COLUMN requests_per_minute; "
                    "ALTER TABLE api_keys DROP COLUMN requests_per_day; "
                    "ALTER TABLE api_keys DROP COLUMN tokens_per_minute; "
                    "ALTER TABLE api_keys DROP COLUMN max_parallel; "
                    "PRAGMA user_version = 4");
  }
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  llmgw::migrate(db, path);
  CHECK(llmgw::schema_version(db) == llmgw::latest_schema_version());
  // A log of version 4 had no cache writes nor reasoning: they roll up as 0.
  std::string expected = k_expected;
  for (auto at = expected.find("|10|4\n"); at != std::string::npos;
       at = expected.find("|10|4\n", at)) {
    expected.replace(at, 6, "|0|0\n");
  }
  CHECK(rollup(db) == expected);
  // Step 7 finds every row rolled up by step 5's backfill.
  CHECK(db.execAndGet("SELECT log_id FROM usage_rollup_progress").getInt64() == 4);
}
