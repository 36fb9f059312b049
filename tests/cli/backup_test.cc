// llmgw backup: a consistent copy, also while another process writes.
#include "core/store.h"
#include "core/usage_rollup.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/logged_requests.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <sys/stat.h>
#include <thread>

using nlohmann::json;
using test::Outcome;
using test::outcome_of;
using test::refused;

namespace {

// "<integrity> <log rows> <requests its usage reports count> <keys>" of a database file.
std::string check_copy(const std::string& path) {
  SQLite::Database copy(path, SQLite::OPEN_READONLY);
  return fmt::format(
      "{} {} {} {}", copy.execAndGet("PRAGMA integrity_check").getString(),
      copy.execAndGet("SELECT count(*) FROM request_log").getInt64(),
      copy.execAndGet(test::k_requests_in_reports).getInt64(),
      copy.execAndGet("SELECT count(*) FROM api_keys").getInt64());
}

struct BackupDatabase : test::TestDatabase {
  std::string key = test::create_key(path, {"-d", "k"})["id"].get<std::string>();
  std::string copy = dir.file("copy.db");

  BackupDatabase() {
    test::log_requests(path, {test::request(key, "2026-11-27T10:00:00Z", "m", "p")});
  }
};

}  // namespace

TEST_CASE("cli: backup writes a whole copy of mode 0600 and says so on stderr") {
  BackupDatabase db;
  test::Result r = test::llmgw(db.path, {"backup", db.copy});
  struct stat st{};
  REQUIRE(stat(db.copy.c_str(), &st) == 0);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "");
  CHECK(r.err == fmt::format("Backed up {} to {} ({} bytes).\n", db.path, db.copy, st.st_size));
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(check_copy(db.copy) == "ok 1 1 1");
}

TEST_CASE("cli: backup --json prints the path and the size") {
  BackupDatabase db;
  Outcome o = outcome_of(db.path, {"--json", "backup", db.copy});
  struct stat st{};
  REQUIRE(stat(db.copy.c_str(), &st) == 0);
  CHECK(o.exit_code == 0);
  CHECK(test::parse_json(o.out) == json{{"backup", db.copy}, {"bytes", st.st_size}});
  CHECK_FALSE(o.database_changed);
}

TEST_CASE("cli: backup refuses an existing file unless --force") {
  BackupDatabase db;
  test::write_file(db.copy, "precious");
  CHECK(outcome_of(db.path, {"backup", db.copy}) ==
        refused(4, "'" + db.copy + "' already exists; use --force to replace it"));
  CHECK(test::read_file(db.copy) == "precious");
  CHECK(test::llmgw(db.path, {"backup", "--force", db.copy}).exit_code == 0);
  CHECK(check_copy(db.copy) == "ok 1 1 1");
}

TEST_CASE("cli: backup refuses to write onto the database itself") {
  BackupDatabase db;
  CHECK(outcome_of(db.path, {"backup", "--force", db.path}) ==
        refused(2, "cannot back up the database '" + db.path + "' onto itself\n"
                                                               "see 'llmgw backup --help'"));
}

TEST_CASE("cli: backup needs a file") {
  BackupDatabase db;
  CHECK(outcome_of(db.path, {"backup"}) == refused(2, "missing argument <file>\nsee 'llmgw backup --help'"));
}

TEST_CASE("cli: backup into a missing folder fails with exit 1") {
  BackupDatabase db;
  std::string path = db.dir.file("missing/copy.db");
  CHECK(outcome_of(db.path, {"backup", path}) ==
        refused(1, "cannot create backup '" + path + "': No such file or directory"));
}

TEST_CASE("cli: backup while another process holds a write transaction has the committed rows") {
  BackupDatabase db;
  SQLite::Database writer(db.path, SQLite::OPEN_READWRITE);
  writer.setBusyTimeout(5000);
  SQLite::Transaction open(writer, SQLite::TransactionBehavior::IMMEDIATE);
  writer.exec("UPDATE api_keys SET description = 'uncommitted'");
  writer.exec("INSERT INTO request_log SELECT NULL, request_id, time, key_id, requested_model, "
              "served_model, provider, status, error_code, prompt_tokens, completion_tokens, "
              "cached_tokens, cost, estimated, streamed, cancelled, latency_ms, ttft_ms, "
              "cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, endpoint, response_id, "
              "client_address FROM request_log");
  test::Result r = test::llmgw(db.path, {"backup", db.copy});
  CHECK(r.exit_code == 0);
  CHECK(check_copy(db.copy) == "ok 1 1 1");
  SQLite::Database copy(db.copy, SQLite::OPEN_READONLY);
  CHECK(copy.execAndGet("SELECT description FROM api_keys").getString() == "k");
}

TEST_CASE("cli: backups taken while another process commits are whole and consistent") {
  BackupDatabase db;
  std::atomic<bool> done{false};
  std::atomic<int> commits{0};
  std::thread writer([&] {
    llmgw::Store store(db.path);
    llmgw::UsageLedger ledger(store);
    while (!done) {
      ledger.commit({test::request(db.key, "2026-11-27T11:00:00Z", "m", "p"),
                     test::request(db.key, "2026-11-27T12:00:00Z", "m", "p")});
      llmgw::roll_up_log(store, 1);  // the roll-ups trail the log, a transaction apart
      ++commits;
    }
  });
  while (commits < 3) {
    std::this_thread::yield();
  }
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    std::string path = db.dir.file(fmt::format("copy{}.db", round));
    CHECK(test::llmgw(db.path, {"backup", path}).exit_code == 0);
    std::string checked = check_copy(path);
    int rows = 0, counted = 0;
    char integrity[16] = {};
    REQUIRE(std::sscanf(checked.c_str(), "%15s %d %d", integrity, &rows, &counted) == 3);
    CHECK(std::string(integrity) == "ok");
    CHECK(rows % 2 == 1);  // the first row, then whole transactions of two
    CHECK(counted == rows);
  }
  done = true;
  writer.join();
  CHECK(commits > 0);
}
