// The store's checkpoint policy (core/store.cc): SQLite's automatic checkpoints are replaced
// by one that runs under the write lock, at the same threshold, so the WAL stays bounded.
#include "core/store.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <string>
#include <sys/stat.h>

namespace {

long long file_size(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : -1;
}

}  // namespace

TEST_CASE("store: commits past the checkpoint threshold checkpoint the WAL, which stays bounded") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  llmgw::Store store(path);
  store.db().exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)");
  const int page_size = store.db().execAndGet("PRAGMA page_size").getInt();
  // One page of data per commit, three times the threshold: without checkpoints the WAL
  // would hold every one of those frames.
  for (int i = 0; i < 3 * llmgw::Store::k_checkpoint_frames; ++i) {
    SQLite::Statement insert(store.db(), "INSERT INTO filler (bytes) VALUES (zeroblob(?))");
    insert.bind(1, page_size - 100);
    insert.exec();
  }
  const long long frame_bytes = 24 + page_size;
  const long long wal_frames = (file_size(path + "-wal") - 32) / frame_bytes;
  CHECK(wal_frames > llmgw::Store::k_checkpoint_frames / 2);
  CHECK(wal_frames < llmgw::Store::k_checkpoint_frames + 10);
  // And the checkpointed pages are in the database file.
  CHECK(file_size(path) >= 3LL * llmgw::Store::k_checkpoint_frames * page_size / 2);
}

TEST_CASE("store: a checkpoint runs only while no other connection holds the write lock") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  llmgw::Store store(path);
  store.db().exec("CREATE TABLE filler (id INTEGER PRIMARY KEY)");
  store.db().exec("INSERT INTO filler DEFAULT VALUES");
  SQLite::Database writer(path, SQLite::OPEN_READWRITE);
  writer.exec("BEGIN IMMEDIATE");
  CHECK_FALSE(store.checkpoint(50));  // waited 50 ms for the lock, then gave up
  writer.exec("ROLLBACK");
  CHECK(store.checkpoint(50));
}
