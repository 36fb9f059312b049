#include "core/error.h"
#include "core/migrations.h"
#include "core/store.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thrown.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

using llmgw::latest_schema_version;
using llmgw::migrate;
using llmgw::schema_version;

namespace {

constexpr const char* k_insert_key =
    "INSERT INTO api_keys (id, secret_hash, prefix, description, status, usage_limit, usage, "
    "period_limit, period, period_anchor, period_start, period_usage, expires_at, created_at, "
    "updated_at, last_used_at) VALUES ('key_aaaaaaaaaaaa', "
    "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'llmgtwy_AbCd', "
    "'old key', 'disabled', 5000000000000, 1250000000000, 1000000000000, '1d', "
    "1798675200000, 1798675200000, 250000000000, 1830211200000, 1798675200123, "
    "1798675200456, 1798675200789)";

std::string key_rows(SQLite::Database& db) {
  SQLite::Statement rows(db, "SELECT * FROM api_keys ORDER BY id");
  std::string out;
  while (rows.executeStep()) {
    for (int i = 0; i < rows.getColumnCount(); ++i) {
      out += rows.getColumn(i).isNull() ? "NULL" : rows.getColumn(i).getString();
      out += "|";
    }
    out += "\n";
  }
  return out;
}

std::string newer_message(const std::string& path, int found) {
  return fmt::format(
      "database '{}' has schema version {}, but this llmgw ({}) knows only up to {}; use a "
      "newer llmgw",
      path, found, LLMGW_VERSION, latest_schema_version());
}

}  // namespace

TEST_CASE("migrations: a new database is brought to the latest version") {
  test::TempDir dir;
  std::string path = dir.file("new.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  CHECK(schema_version(db) == 0);
  migrate(db, path);
  CHECK(schema_version(db) == latest_schema_version());
  CHECK(latest_schema_version() >= 3);
  CHECK(db.tableExists("api_keys"));
  CHECK(db.tableExists("iam_rules"));
  CHECK(db.tableExists("request_log"));
}

TEST_CASE("migrations: a version 1 database upgrades and keeps its keys") {
  test::TempDir dir;
  std::string path = dir.file("old.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 1);
  REQUIRE(schema_version(db) == 1);
  CHECK(db.tableExists("api_keys"));
  CHECK_FALSE(db.tableExists("iam_rules"));
  db.exec(k_insert_key);
  std::string before = key_rows(db);
  REQUIRE(before.find("key_aaaaaaaaaaaa|") == 0);

  migrate(db, path);
  CHECK(schema_version(db) == latest_schema_version());
  // Kept as they were, with no traffic limits (step 19's four columns).
  CHECK(key_rows(db) == before.substr(0, before.size() - 1) + "NULL|NULL|NULL|NULL|\n");
  CHECK(db.tableExists("iam_rules"));
  CHECK(db.tableExists("request_log"));
}

TEST_CASE("migrations: each step moves the version by one") {
  test::TempDir dir;
  std::string path = dir.file("steps.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  for (int target = 1; target <= latest_schema_version(); ++target) {
    CAPTURE(target);
    migrate(db, path, target);
    CHECK(schema_version(db) == target);
  }
}

TEST_CASE("migrations: migrating an up-to-date database changes nothing") {
  test::TempDir dir;
  std::string path = dir.file("same.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, path);
    db.exec(k_insert_key);
  }
  std::string before = test::dump_database(path);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    migrate(db, path);
    migrate(db, path, 1);  // an older target is already met
  }
  CHECK(test::dump_database(path) == before);
}

TEST_CASE("migrations: a database from a newer llmgw is refused and left as it is") {
  test::TempDir dir;
  std::string path = dir.file("newer.db");
  int newer = latest_schema_version() + 1;
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(db, path);
    db.exec(fmt::format("PRAGMA user_version = {}", newer));
  }
  std::string before = test::dump_database(path);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    CHECK(test::thrown_by([&] { migrate(db, path); }) == test::io(newer_message(path, newer)));
    CHECK(schema_version(db) == newer);
  }
  CHECK(test::dump_database(path) == before);
}

TEST_CASE("migrations: opening a store on a newer database is refused") {
  test::TempDir dir;
  std::string path = dir.file("newer.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = 1000");
  }
  CHECK(test::thrown_by([&] { llmgw::Store store(path); }) ==
        test::io(newer_message(path, 1000)));
}

TEST_CASE("migrations: a store opens in WAL mode at the latest version") {
  test::TempDir dir;
  std::string path = dir.file("a/b/store.db");
  llmgw::Store store(path);
  CHECK(store.path() == path);
  CHECK(schema_version(store.db()) == latest_schema_version());
  CHECK(store.db().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(store.db().execAndGet("PRAGMA foreign_keys").getInt() == 1);
}

namespace {

// What SQLite says when `sql` fails; "" when it succeeds.
std::string sqlite_error(SQLite::Database& db, const std::string& sql) {
  try {
    db.exec(sql);
  } catch (const SQLite::Exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("migrations: step 8 turns usage that overflowed into a REAL back into the largest "
          "integer, and from then on no writer can store a non-integer usage or cost") {
  test::TempDir dir;
  std::string path = dir.file("overflowed.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 7);
  db.exec(k_insert_key);
  // What `usage = usage + ?` did before: the sum overflows and SQLite stores a REAL.
  db.exec("UPDATE api_keys SET usage = usage + 9223372036854775807, "
          "period_usage = period_usage + 9223372036854775807");
  REQUIRE(db.execAndGet("SELECT typeof(usage) || ' ' || typeof(period_usage) FROM api_keys")
              .getString() == "real real");

  migrate(db, path);
  CHECK(schema_version(db) == latest_schema_version());
  CHECK(db.execAndGet("SELECT typeof(usage) || ':' || usage || ' ' || typeof(period_usage) || "
                      "':' || period_usage FROM api_keys")
            .getString() == "integer:9223372036854775807 integer:9223372036854775807");

  const std::string refused_usage = "usage must be an integer number of picodollars";
  CHECK(sqlite_error(db, "UPDATE api_keys SET usage = usage + 1") == refused_usage);
  CHECK(sqlite_error(db, "UPDATE api_keys SET period_usage = 0.5") == refused_usage);
  CHECK(sqlite_error(db, "UPDATE api_keys SET usage = 'lots'") == refused_usage);
  CHECK(sqlite_error(db, "UPDATE api_keys SET usage = 7, period_usage = 5.0") == "");
  CHECK(db.execAndGet("SELECT typeof(usage) || ':' || usage || ' ' || typeof(period_usage) || "
                      "':' || period_usage FROM api_keys")
            .getString() == "integer:7 integer:5");
  std::string overflowing_key = k_insert_key;
  overflowing_key.replace(overflowing_key.find("1250000000000"), 13, "1.5e19");
  db.exec("DELETE FROM api_keys");
  CHECK(sqlite_error(db, overflowing_key) == refused_usage);
  CHECK(sqlite_error(db, k_insert_key) == "");

  const std::string log_row =
      "INSERT INTO request_log (request_id, time, key_id, requested_model, served_model, "
      "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, cost, "
      "estimated, streamed, cancelled, latency_ms) VALUES ('req_1', 1, 'key_aaaaaaaaaaaa', "
      "'m', 'm', 'p', 200, '', 1, 1, 0, ";
  CHECK(sqlite_error(db, log_row + "1e19, 0, 0, 0, 1)") ==
        "cost must be an integer number of picodollars");
  CHECK(sqlite_error(db, log_row + "12, 0, 0, 0, 1)") == "");
  CHECK(db.execAndGet("SELECT typeof(cost) || ':' || cost FROM request_log").getString() ==
        "integer:12");
}

TEST_CASE("migrations: step 9 gives the operator's providers the openai kind, and refuses "
          "another") {
  test::TempDir dir;
  std::string path = dir.file("kinds.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 8);
  db.exec("INSERT INTO catalog_providers VALUES ('anthropic', 'Anthropic', "
          "'https://api.anthropic.com/v1', 'ANTHROPIC_API_KEY', 0)");
  migrate(db, path, 9);
  CHECK(db.execAndGet("SELECT kind || ' ' || base_url || ' ' || enabled FROM catalog_providers")
            .getString() == "openai https://api.anthropic.com/v1 0");
  CHECK(sqlite_error(db, "UPDATE catalog_providers SET kind = 'claude'") ==
        "CHECK constraint failed: kind IN ('openai', 'anthropic')");
}

TEST_CASE("migrations: step 14 makes the built-in anthropic provider native where the "
          "operator left it as it was") {
  test::TempDir dir;
  std::string path = dir.file("native.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 13);
  db.exec("INSERT INTO catalog_providers (id, name, base_url, api_key_env, enabled) VALUES "
          "('anthropic', 'Anthropic', 'https://api.anthropic.com/v1', 'ANTHROPIC_API_KEY', 1), "
          "('claude-proxy', 'Proxy', 'https://api.anthropic.com/v1', 'PROXY_KEY', 1)");
  migrate(db, path, 14);
  // Only the built-in id is switched; another provider at the same address is the
  // operator's own.
  CHECK(db.execAndGet("SELECT group_concat(id || ' ' || kind || ' ' || base_url, '; ') FROM "
                      "(SELECT * FROM catalog_providers ORDER BY id)")
            .getString() ==
        "anthropic anthropic https://api.anthropic.com; "
        "claude-proxy openai https://api.anthropic.com/v1");

  std::string moved = dir.file("moved.db");
  SQLite::Database other(moved, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(other, moved, 13);
  other.exec("INSERT INTO catalog_providers (id, name, base_url, api_key_env, enabled) VALUES "
             "('anthropic', 'Anthropic', 'https://llm-proxy.internal/v1', 'ANTHROPIC_API_KEY', 1)");
  migrate(other, moved, 14);
  CHECK(other.execAndGet("SELECT kind || ' ' || base_url FROM catalog_providers").getString() ==
        "openai https://llm-proxy.internal/v1");
}

TEST_CASE("migrations: step 15 says the built-in openai provider serves the Responses API "
          "where the operator left it at OpenAI") {
  test::TempDir dir;
  std::string path = dir.file("responses.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 14);
  db.exec("INSERT INTO catalog_providers (id, name, base_url, api_key_env, enabled) VALUES "
          "('openai', 'OpenAI', 'https://api.openai.com/v1', 'OPENAI_API_KEY', 0), "
          "('azure', 'Azure', 'https://api.openai.com/v1', 'AZURE_KEY', 1), "
          "('vllm', 'vLLM', 'http://10.0.0.2:8000/v1', '', 1)");
  migrate(db, path, 15);
  CHECK(db.execAndGet("SELECT group_concat(id || ' ' || responses, '; ') FROM "
                      "(SELECT * FROM catalog_providers ORDER BY id)")
            .getString() == "azure 0; openai 1; vllm 0");
  CHECK(sqlite_error(db, "UPDATE catalog_providers SET responses = 2") ==
        "CHECK constraint failed: responses IN (0, 1)");
}

TEST_CASE("migrations: step 16 logs each request's endpoint and response id, and finds a "
          "response's maker by index") {
  test::TempDir dir;
  std::string path = dir.file("endpoint.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 15);
  db.exec("INSERT INTO request_log (request_id, time, key_id, requested_model, served_model, "
          "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, cost, "
          "estimated, streamed, cancelled, latency_ms) VALUES ('req_1', 1, 'key_a', 'm', 'm', "
          "'p', 200, '', 1, 1, 0, 0, 0, 0, 0, 1)");
  migrate(db, path, 16);
  CHECK(db.execAndGet("SELECT endpoint || '|' || coalesce(response_id, 'NULL') FROM "
                      "request_log").getString() == "|NULL");
  SQLite::Statement plan(db, "EXPLAIN QUERY PLAN SELECT key_id FROM request_log WHERE "
                            "response_id = 'resp_1' ORDER BY id LIMIT 1");
  std::string steps;
  while (plan.executeStep()) {
    steps += plan.getColumn(3).getString() + "\n";
  }
  CHECK(steps.find("USING INDEX request_log_response_id") != std::string::npos);
}

TEST_CASE("migrations: step 11 rolls up the cache writes and reasoning that step 10 logged") {
  test::TempDir dir;
  std::string path = dir.file("parts.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 10);
  db.exec("INSERT INTO request_log (request_id, time, key_id, requested_model, served_model, "
          "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, cost, "
          "estimated, streamed, cancelled, latency_ms, cache_write_5m_tokens, "
          "cache_write_1h_tokens, reasoning_tokens) VALUES ('req_1', 3600000, 'key_a', 'm', "
          "'m', 'p', 200, '', 2000, 50, 300, 7, 0, 0, 0, 1, 1200, 100, 20)");
  // Rolled up as llmgw at version 10 did, without the parts.
  db.exec("INSERT INTO usage_rollup SELECT scope, key_id, hour, model, provider, 1, error, "
          "prompt_tokens, completion_tokens, cached_tokens, cost FROM usage_facts; "
          "UPDATE usage_rollup_progress SET log_id = 1");
  migrate(db, path);
  CHECK(db.execAndGet("SELECT group_concat(scope || ':' || cache_write_tokens || ':' || "
                      "reasoning_tokens, ' ') FROM (SELECT * FROM usage_rollup ORDER BY scope)")
            .getString() ==
        "key:1300:20 key_model:1300:20 key_provider:1300:20 model:1300:20 provider:1300:20 "
        "total:1300:20");
}

TEST_CASE("migrations: step 18 keeps every rule, its triggers and index, and allows the "
          "address rules") {
  test::TempDir dir;
  std::string path = dir.file("rules.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  migrate(db, path, 17);
  db.exec(k_insert_key);
  db.exec("INSERT INTO iam_rules VALUES ('rule_1', 'key_aaaaaaaaaaaa', 'deny_models', "
          "'{\"models\":[\"o3\"]}', 'inactive', 7)");
  CHECK(sqlite_error(db, "INSERT INTO iam_rules VALUES ('rule_2', 'key_aaaaaaaaaaaa', "
                         "'allow_ips', '{\"ips\":[\"10.0.0.0/8\"]}', 'active', 8)") ==
        "CHECK constraint failed: type IN ('allow_models', 'deny_models', 'allow_providers',\n"
        "                                            'deny_providers', 'allow_pricing', "
        "'deny_pricing')");
  migrate(db, path, 18);
  const auto version = [&] { return db.execAndGet("SELECT version FROM config_version").getInt64(); };
  const std::int64_t before = version();
  db.exec("INSERT INTO iam_rules VALUES ('rule_2', 'key_aaaaaaaaaaaa', 'allow_ips', "
          "'{\"ips\":[\"10.0.0.0/8\"]}', 'active', 8)");
  CHECK(version() == before + 1);  // a CLI change still reaches the daemon
  CHECK(db.execAndGet("SELECT group_concat(id || ' ' || type || ' ' || status || ' ' || "
                      "created_at, '; ') FROM (SELECT * FROM iam_rules ORDER BY id)")
            .getString() == "rule_1 deny_models inactive 7; rule_2 allow_ips active 8");
  CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'iam_rules' AND "
                      "type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_%'")
            .getInt() == 4);
  db.exec("PRAGMA foreign_keys = ON");  // as the store opens a database
  db.exec("DELETE FROM api_keys");      // the rules go with their key
  CHECK(db.execAndGet("SELECT count(*) FROM iam_rules").getInt() == 0);
}
