// The change stamp beside the database (core/change_stamp.h): every commit of a Store
// renews it, except on a connection that says its commits change no configuration, and
// any process sees the renewal.
#include "core/change_stamp.h"
#include "core/store.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

mode_t mode_of(const std::string& path) {
  struct stat st{};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("change stamp: a renewal is seen by another reader, and no two renewals are alike") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  llmgw::Store store(path);  // creates the database
  llmgw::ChangeStamp writer(path);
  llmgw::ChangeStamp reader(path);
  REQUIRE(writer.usable());
  REQUIRE(reader.usable());
  CHECK(mode_of(path + "-changes") == 0600);  // the database's mode
  std::set<std::uint64_t> seen{reader.read()};
  for (int i = 0; i < 100; ++i) {
    writer.renew();
    CHECK(reader.read() == writer.read());
    seen.insert(reader.read());
  }
  CHECK(seen.size() == 101);
}

TEST_CASE("change stamp: each commit of a Store renews it, unless the Store stamps no commits") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  llmgw::Store store(path);
  llmgw::ChangeStamp reader(path);
  store.db().exec("CREATE TABLE t (x INTEGER)");
  std::uint64_t before = reader.read();
  store.db().exec("INSERT INTO t VALUES (1)");
  std::uint64_t after = reader.read();
  CHECK(after != before);
  store.db().exec("SELECT * FROM t");  // a read commits nothing
  CHECK(reader.read() == after);

  llmgw::Store usage(path);
  usage.stamp_commits(false);
  usage.db().exec("INSERT INTO t VALUES (2)");
  CHECK(reader.read() == after);
}

TEST_CASE("change stamp: a database reached through a symbolic link has the same stamp") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  llmgw::Store store(path);
  REQUIRE(::symlink(path.c_str(), dir.file("link.db").c_str()) == 0);
  llmgw::ChangeStamp by_link(dir.file("link.db"));
  llmgw::ChangeStamp by_name(path);
  by_link.renew();
  CHECK(by_name.read() == by_link.read());
  struct stat st{};
  CHECK(stat(dir.file("link.db-changes").c_str(), &st) != 0);  // one file, the real one's
}

TEST_CASE("change stamp: without a database file there is no stamp, and nothing fails") {
  test::TempDir dir;
  llmgw::ChangeStamp stamp(dir.file("absent.db"));
  CHECK_FALSE(stamp.usable());
  stamp.renew();
  CHECK(stamp.read() == 0);
  struct stat st{};
  CHECK(stat(dir.file("absent.db-changes").c_str(), &st) != 0);
}

TEST_CASE("change stamp: a file shorter than a stamp is extended, reads as none, then as renewed") {
  test::TempDir dir;
  const std::string path = dir.file("llmgw.db");
  { llmgw::Store created(path); }  // closed: nothing has the stamp file open
  {
    // Left empty, as by a process that ended between creating the file and stamping it.
    FILE* file = std::fopen((path + "-changes").c_str(), "w");
    REQUIRE(file != nullptr);
    std::fclose(file);
  }
  llmgw::ChangeStamp reader(path);
  REQUIRE(reader.usable());
  CHECK(reader.read() == 0);
  struct stat st{};
  REQUIRE(stat((path + "-changes").c_str(), &st) == 0);
  CHECK(st.st_size == 8);
  llmgw::ChangeStamp writer(path);
  writer.renew();
  CHECK(reader.read() != 0);
  CHECK(reader.read() == writer.read());
}
