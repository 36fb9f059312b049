#include "core/backup.h"
#include "core/store.h"
#include "tests/support/logged_requests.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thrown.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <sys/stat.h>

using llmgw::Overwrite;
using llmgw::backup_database;

namespace {

struct Source {
  test::TempDir dir;
  llmgw::Store store{dir.file("llmgw.db")};

  Source() {
    llmgw::UsageLedger(store).commit(
        {test::request("key_a", "2026-11-27T10:00:00Z", "gpt-4o", "openai")});
  }
};

std::string integrity_and_count(const std::string& path) {
  SQLite::Database copy(path, SQLite::OPEN_READONLY);
  return copy.execAndGet("PRAGMA integrity_check").getString() + " " +
         copy.execAndGet("SELECT count(*) FROM request_log").getString() + " " +
         copy.execAndGet(test::k_requests_in_reports).getString();
}

// What the folder holds besides the database, sorted: no temporary file is left behind.
std::string files(const test::TempDir& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::string name = entry.path().filename().string();
    if (name.rfind("llmgw.db", 0) != 0) {
      names.insert(name);
    }
  }
  std::string out;
  for (const auto& name : names) {
    out += name + " ";
  }
  return out;
}

}  // namespace

TEST_CASE("backup: the copy is a whole database of mode 0600, and its size is returned") {
  Source s;
  std::string path = s.dir.file("copy.db");
  std::int64_t bytes = backup_database(s.store, path, Overwrite::no);
  struct stat st{};
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK(bytes == st.st_size);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(integrity_and_count(path) == "ok 1 1");
  CHECK(files(s.dir) == "copy.db ");
}

TEST_CASE("backup: an existing file is kept unless overwriting is asked for") {
  Source s;
  std::string path = s.dir.file("copy.db");
  test::write_file(path, "old");
  CHECK(test::thrown_by([&] { backup_database(s.store, path, Overwrite::no); }) ==
        test::conflict("'" + path + "' already exists; use --force to replace it"));
  CHECK(test::read_file(path) == "old");
  backup_database(s.store, path, Overwrite::yes);
  CHECK(integrity_and_count(path) == "ok 1 1");
  CHECK(files(s.dir) == "copy.db ");
}

TEST_CASE("backup: the database itself, its WAL or its shared memory are never the target") {
  Source s;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    CAPTURE(suffix);
    CHECK(test::thrown_by([&] {
            backup_database(s.store, s.store.path() + suffix, Overwrite::yes);
          }) == test::invalid("cannot back up the database '" + s.store.path() +
                              "' onto itself"));
  }
  CHECK(integrity_and_count(s.store.path()) == "ok 1 1");
}

TEST_CASE("backup: a folder that does not exist is an I/O error, and nothing is left") {
  Source s;
  std::string path = s.dir.file("missing/copy.db");
  CHECK(test::thrown_by([&] { backup_database(s.store, path, Overwrite::no); }) ==
        test::io("cannot create backup '" + path + "': No such file or directory"));
  CHECK(files(s.dir) == "");
}
