// A secret is printed once, by the command that made it, and is found nowhere else: not
// in the database, its -wal or -shm, nor in anything a later command prints.
#include "core/secret.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace {

// The content of a file, read by a child process: closing a descriptor of a file drops
// every POSIX lock this process holds on it, the reader's SQLite locks included, which
// would let a command checkpoint and remove the -wal the test means to search.
std::string read_from_outside(const std::string& path) {
  return test::run({"/bin/cat", path}).out;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

// Where a secret body was found, by name only, so a failure never prints the secret.
class Search {
public:
  Search(std::string db, std::string body) : m_db(std::move(db)), m_body(std::move(body)) {}

  void output(const std::string& label, const test::Result& r) {
    look(label + " stdout", r.out);
    look(label + " stderr", r.err);
  }

  // The database and, when `with_wal`, its -wal and -shm, which must then exist.
  void files(const std::string& label, bool with_wal) {
    look(label + ": database file", read_required(label, m_db));
    if (with_wal) {
      look(label + ": -wal", read_required(label, m_db + "-wal"));
      look(label + ": -shm", read_required(label, m_db + "-shm"));
    }
  }

  // Every place it was found, one per line; "" when nowhere.
  std::string places() const {
    std::string out;
    for (const auto& place : m_places) {
      out += place + "\n";
    }
    return out;
  }

private:
  std::string read_required(const std::string& label, const std::string& path) {
    std::string content = read_from_outside(path);
    if (content.empty()) {
      m_places.push_back(label + ": " + path + " is missing or empty, so it was not searched");
    }
    return content;
  }

  void look(const std::string& label, const std::string& text) {
    if (text.find(m_body) != std::string::npos) {
      m_places.push_back(label);
    }
  }

  std::string m_db;
  std::string m_body;
  std::vector<std::string> m_places;
};

std::string id_from(const std::string& err) {
  std::smatch m;
  return std::regex_search(err, m, std::regex("key (key_[a-z2-7]{12})")) ? m[1].str() : "";
}

// Runs every key command on `id`, human and --json, recording each output in `search`
// and searching the files after each one.
void run_every_command(const std::string& db, const std::string& id, Search& search) {
  const std::vector<std::vector<std::string>> commands = {
      {"key", "list"},
      {"--json", "key", "list"},
      {"key", "show", id},
      {"--json", "key", "show", id},
      {"key", "update", id, "-d", "renamed", "--limit", "6"},
      {"--json", "key", "update", id, "--period-limit", "2", "--period", "1w"},
      {"key", "disable", id},
      {"--json", "key", "disable", id},
      {"key", "enable", id},
      {"--json", "key", "enable", id, "--expires", "2w"},
      {"key", "roll", "--yes", id},
      {"--json", "key", "roll", "--yes", id},
      {"key", "delete", "--yes", id},
      {"key", "enable", id},  // refused: deleted
      {"key", "list", "--all"},
      {"--json", "key", "list", "--all"},
      {"--json", "key", "show", id},
      {"key", "delete", "--yes", id, "--if-exists"},
      {"init"},
      {"--json", "init"},
  };
  for (const auto& args : commands) {
    std::string label;
    for (const auto& a : args) {
      label += (label.empty() ? "" : " ") + a;
    }
    search.output(label, test::llmgw(db, args));
    search.files("after " + label, true);
  }
}

}  // namespace

TEST_CASE("cli: a created key's secret is found only in create's stdout") {
  test::TestDatabase db;
  // A reader with an open read transaction, held for the whole test: the CLI is never the
  // last connection, so -wal and -shm stay on disk, and no checkpoint can reuse the WAL
  // past this snapshot, so every page each command writes stays in the -wal to be read.
  auto reader = std::make_unique<SQLite::Database>(db.path, SQLite::OPEN_READONLY);
  reader->exec("BEGIN");
  REQUIRE(reader->execAndGet("SELECT count(*) FROM api_keys").getInt() == 0);

  test::Result create = test::llmgw(
      db.path, {"key", "create", "-d", "secret check", "--limit", "5", "--period-limit", "1",
                "--period", "1d", "--expires", "30d"});
  REQUIRE(create.exit_code == 0);
  REQUIRE(create.out.size() == llmgw::k_secret_length + 1);
  std::string secret = create.out.substr(0, llmgw::k_secret_length);
  REQUIRE(llmgw::is_well_formed_secret(secret));
  std::string body = secret.substr(llmgw::k_secret_prefix.size());
  std::string id = id_from(create.err);
  REQUIRE(!id.empty());
  CHECK(count_of(create.out, body) == 1);

  Search search(db.path, body);
  search.output("key create (stderr only)", test::Result{0, "", create.err});
  search.files("after key create", true);
  // The search can see what create wrote: the -wal holds the new row, id and hash.
  std::string wal = read_from_outside(db.path + "-wal");
  CHECK(wal.find(id) != std::string::npos);
  CHECK(wal.find(llmgw::hash_secret(secret)) != std::string::npos);

  run_every_command(db.path, id, search);

  // Close the reader so that the next command, the last connection, checkpoints every
  // page into the database file and removes the -wal; then search the file once more.
  reader.reset();
  search.output("key list --all (after the reader closed)",
                test::llmgw(db.path, {"key", "list", "--all"}));
  search.files("after the final checkpoint", false);
  CHECK(test::read_file(db.path).find(id) != std::string::npos);

  CHECK(search.places() == "");
}

TEST_CASE("cli: a rolled key's new secret is found only in roll's stdout") {
  test::TestDatabase db;
  std::string id = test::create_key(db.path, {"-d", "roll check"}).value("id", "");
  REQUIRE(!id.empty());
  auto reader = std::make_unique<SQLite::Database>(db.path, SQLite::OPEN_READONLY);
  reader->exec("BEGIN");
  REQUIRE(reader->execAndGet("SELECT count(*) FROM api_keys").getInt() == 1);

  test::Result roll = test::llmgw(db.path, {"key", "roll", "--yes", id});
  REQUIRE(roll.exit_code == 0);
  REQUIRE(roll.out.size() == llmgw::k_secret_length + 1);
  std::string secret = roll.out.substr(0, llmgw::k_secret_length);
  REQUIRE(llmgw::is_well_formed_secret(secret));
  std::string body = secret.substr(llmgw::k_secret_prefix.size());
  CHECK(count_of(roll.out, body) == 1);

  Search search(db.path, body);
  search.output("key roll (stderr only)", test::Result{0, "", roll.err});
  search.files("after key roll", true);
  CHECK(read_from_outside(db.path + "-wal").find(llmgw::hash_secret(secret)) !=
        std::string::npos);

  run_every_command(db.path, id, search);
  reader.reset();
  search.output("key list (after the reader closed)", test::llmgw(db.path, {"key", "list"}));
  search.files("after the final checkpoint", false);

  CHECK(search.places() == "");
}
