// Store::begin_dry_run: write transactions inside it commit as savepoints, readable on the
// same connection, and nothing of them reaches the database.
#include "core/store.h"
#include "tests/support/db_dump.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <string>

namespace {

long long count_rows(llmgw::Store& store) {
  return store.db().execAndGet("SELECT count(*) FROM note").getInt64();
}

void insert(llmgw::Store& store, const char* text) {
  SQLite::Statement statement(store.db(), "INSERT INTO note (text) VALUES (?)");
  statement.bind(1, text);
  statement.exec();
}

}  // namespace

TEST_CASE("store: a dry run sees its own writes and leaves the database as it was") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  llmgw::Store store(path);
  store.db().exec("CREATE TABLE note (text TEXT NOT NULL)");
  insert(store, "kept");
  const std::string before = test::dump_database(path);

  store.begin_dry_run();
  CHECK(store.in_dry_run());
  {
    llmgw::WriteTransaction tx = store.write_transaction();
    insert(store, "committed in the dry run");
    tx.commit();
  }
  {
    llmgw::WriteTransaction tx = store.write_transaction();
    insert(store, "rolled back: no commit");
  }
  CHECK(count_rows(store) == 2);
  store.end_dry_run();
  CHECK_FALSE(store.in_dry_run());
  CHECK(count_rows(store) == 1);
  CHECK(test::dump_database(path) == before);
}

TEST_CASE("store: a dry run left open is rolled back when the store closes") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  std::string before;
  {
    llmgw::Store store(path);
    store.db().exec("CREATE TABLE note (text TEXT NOT NULL)");
    before = test::dump_database(path);
    store.begin_dry_run();
    llmgw::WriteTransaction tx = store.write_transaction();
    insert(store, "never");
    tx.commit();
  }
  CHECK(test::dump_database(path) == before);
}

TEST_CASE("store: outside a dry run, a write transaction commits, or rolls back without commit") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  llmgw::Store store(path);
  store.db().exec("CREATE TABLE note (text TEXT NOT NULL)");
  {
    llmgw::WriteTransaction tx = store.write_transaction();
    insert(store, "committed");
    tx.commit();
  }
  {
    llmgw::WriteTransaction tx = store.write_transaction();
    insert(store, "rolled back");
  }
  CHECK(count_rows(store) == 1);
  llmgw::Store other(path);
  CHECK(count_rows(other) == 1);
}
