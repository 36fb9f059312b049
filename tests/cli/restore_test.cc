// Restoring a backup the way README.md ("Restore") and llmgw-usage(1) say, step by step.
#include "tests/support/cli_outcome.h"
#include "tests/support/daemon_process.h"
#include "tests/support/logged_requests.h"

#include <doctest/doctest.h>

#include <csignal>
#include <sys/stat.h>

using nlohmann::json;

namespace {

// The documented commands between `systemctl stop` and `systemctl start`, run in the
// database's folder ($1) with the backup at $2.
constexpr const char* k_restore_steps =
    "cd \"$1\" &&\n"
    "rm -f llmgw.db-wal llmgw.db-shm &&\n"
    "install -m 0600 -o \"$(stat -c %u .)\" -g \"$(stat -c %g .)\" \"$2\" llmgw.db";

// "<description> <usage>" of each key, in creation order.
std::string keys(const std::string& db) {
  std::string text;
  json list = test::parse_json(test::llmgw(db, {"--json", "key", "list"}).out);
  for (const json& key : list["keys"]) {
    text += key["description"].get<std::string>() + " " + key["usage"].dump() + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("cli: a backup restored as documented brings back the database of its moment") {
  test::TestDatabase db;
  std::string kept = test::create_key(db.path, {"-d", "kept"})["id"].get<std::string>();
  std::string backup = db.dir.file("backup.db");
  {
    test::DaemonProcess gateway(db.path);
    REQUIRE(test::llmgw(db.path, {"backup", backup}).exit_code == 0);
    test::create_key(db.path, {"-d", "made after the backup"});
    test::log_requests(db.path, {test::request(kept, "2026-11-27T10:00:00Z", "gpt-4o", "openai",
                                               200, 10, 5, 0, "0.25")});
    REQUIRE(keys(db.path) == "kept \"0.25\"\nmade after the backup \"0\"\n");
    CHECK(gateway.stop(SIGTERM) == 0);  // systemctl stop llmgw
  }

  test::Result restore = test::run({"/bin/sh", "-c", k_restore_steps, "sh", db.dir.path(), backup});
  CHECK(restore.exit_code == 0);
  CHECK(restore.err == "");

  test::DaemonProcess gateway(db.path);  // systemctl start llmgw
  CHECK(keys(db.path) == "kept \"0\"\n");
  CHECK(test::parse_json(test::llmgw(db.path, {"--json", "usage"}).out)["total"]["requests"] == 0);
  struct stat st{};
  REQUIRE(stat(db.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(gateway.stop(SIGTERM) == 0);
}
