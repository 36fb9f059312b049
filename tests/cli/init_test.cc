#include "core/migrations.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>


using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::refused;

namespace {

int latest() {
  return llmgw::latest_schema_version();
}

}  // namespace

TEST_CASE("cli: init creates the database and says so on stderr") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  test::Result r = test::llmgw(db, {"init"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "");
  CHECK(r.err == fmt::format("Database {} is ready (schema version {}).\n", db, latest()));
  CHECK(test::dump_database(db).rfind(fmt::format("user_version={}\n", latest()), 0) == 0);
}

TEST_CASE("cli: init --json prints the database path and schema version") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  test::Result r = test::llmgw(db, {"--json", "init"});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out) == json{{"database", db}, {"schema_version", latest()}});
  CHECK(r.err == "");
}

TEST_CASE("cli: init on an up-to-date database changes nothing") {
  test::TestDatabase db;
  test::create_key(db.path, {"-d", "kept"});
  CHECK(outcome_of(db.path, {"init"}) ==
        Outcome{0, "",
                fmt::format("Database {} is ready (schema version {}).\n", db.path, latest()),
                false});
}

TEST_CASE("cli: init upgrades a version 1 database and keeps its keys") {
  test::TempDir dir;
  std::string db = dir.file("old.db");
  {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    llmgw::migrate(raw, db, 1);
    raw.exec(
        "INSERT INTO api_keys (id, secret_hash, prefix, description, status, created_at, "
        "updated_at) VALUES ('key_aaaaaaaaaaaa', 'ba7816bf8f01cfea414140de5dae2223b00361a3"
        "96177a9cb410ff61f20015ad', 'llmgtwy_AbCd', 'from v1', 'active', 1798675200000, "
        "1798675200000)");
  }
  test::Result r = test::llmgw(db, {"--json", "init"});
  CHECK(r.exit_code == 0);
  CHECK(test::parse_json(r.out) == json{{"database", db}, {"schema_version", latest()}});
  test::Result show = test::llmgw(db, {"--json", "key", "show", "key_aaaaaaaaaaaa"});
  CHECK(show.exit_code == 0);
  CHECK(test::parse_json(show.out) == json::parse(R"({
    "id": "key_aaaaaaaaaaaa", "prefix": "llmgtwy_AbCd", "description": "from v1",
    "status": "active", "expired": false, "usage": "0", "usage_limit": null,
    "period_limit": null, "expires_at": null, "rule_count": 0,
    "traffic_limits": {"requests_per_minute": null, "requests_per_day": null,
                       "tokens_per_minute": null, "max_parallel": null},
    "created_at": "2026-12-31T00:00:00Z",
    "updated_at": "2026-12-31T00:00:00Z", "last_used_at": null})"));
}

TEST_CASE("cli: a database from a newer llmgw is refused with exit 1 and left alone") {
  test::TestDatabase db;
  test::create_key(db.path, {"-d", "kept"});
  int newer = latest() + 1;
  {
    SQLite::Database raw(db.path, SQLite::OPEN_READWRITE);
    raw.exec(fmt::format("PRAGMA user_version = {}", newer));
  }
  std::string message = fmt::format(
      "database '{}' has schema version {}, but this llmgw ({}) knows only up to {}; use a "
      "newer llmgw",
      db.path, newer, LLMGW_VERSION, latest());
  CHECK(outcome_of(db.path, {"init"}) == refused(1, message));
  CHECK(outcome_of(db.path, {"key", "list"}) == refused(1, message));
  CHECK(outcome_of(db.path, {"key", "create", "-d", "new"}) == refused(1, message));
}

TEST_CASE("cli: a file that is not a database fails with exit 1") {
  test::TempDir dir;
  std::string db = dir.file("notes.txt");
  test::write_file(db, std::string(4096, 'x'));
  test::Result r = test::llmgw(db, {"key", "list"});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "");
  CHECK(r.err == "llmgw: error: cannot use database '" + db + "': file is not a database\n");
  CHECK(test::read_file(db) == std::string(4096, 'x'));
}

TEST_CASE("cli: a database path inside a regular file fails with exit 1") {
  test::TempDir dir;
  test::write_file(dir.file("file"), "");
  std::string db = dir.file("file/llmgw.db");
  CHECK(outcome_of(db, {"init"}) ==
        refused(1, "cannot create database '" + db + "': Not a directory"));
}

TEST_CASE("cli: --help prints usage on stdout, exits 0 and opens no database") {
  test::TempDir dir;
  test::Result r = test::llmgw(dir.file("llmgw.db"), {"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("llmgw: API keys, IAM rules and an OpenAI-compatible LLM gateway\n", 0) == 0);
  CHECK(r.out.find("Usage: llmgw [OPTIONS] [SUBCOMMAND]") != std::string::npos);
  CHECK(r.err == "");
  CHECK_FALSE(test::exists(dir.file("llmgw.db")));
}

TEST_CASE("cli: key --help lists the key commands") {
  test::TempDir dir;
  test::Result r = test::llmgw(dir.file("llmgw.db"), {"key", "--help"});
  CHECK(r.exit_code == 0);
  for (const char* command : {"create", "list", "show", "update", "enable", "disable",
                              "delete, rm", "roll"}) {
    CAPTURE(command);
    CHECK(r.out.find(std::string("\n  ") + command + " ") != std::string::npos);
  }
  CHECK_FALSE(test::exists(dir.file("llmgw.db")));
}

