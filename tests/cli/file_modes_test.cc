// A new database is private whatever the umask: the file 0600, every folder llmgw creates
// for it 0700, and folders that already existed keep their mode.
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace {

// The permission bits of `path`, or -1 when it does not exist.
int mode_of(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

test::Result init_under_umask(const std::string& db, int umask) {
  test::RunOptions options;
  options.umask = umask;
  return test::llmgw(db, {"init"}, options);
}

// Holds a POSIX read lock on SQLite's shared-lock byte range (offset 0x40000002, 510
// bytes, see "The Lock-Byte Page" in the SQLite file format). The last connection that
// closes a WAL database checkpoints and deletes -wal and -shm only when it can take an
// exclusive lock; while this is held, they stay on disk as the llmgw process made them.
class SharedLock {
public:
  explicit SharedLock(const std::string& db) : m_fd(open(db.c_str(), O_RDONLY | O_CLOEXEC)) {
    struct flock lock{};
    lock.l_type = F_RDLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 0x40000002;
    lock.l_len = 510;
    m_locked = m_fd >= 0 && fcntl(m_fd, F_SETLK, &lock) == 0;
  }
  ~SharedLock() {
    if (m_fd >= 0) {
      close(m_fd);
    }
  }
  SharedLock(const SharedLock&) = delete;
  SharedLock& operator=(const SharedLock&) = delete;
  bool locked() const { return m_locked; }

private:
  int m_fd;
  bool m_locked = false;
};

}  // namespace

TEST_CASE("cli: under umask 022 a new database is 0600 in new folders of 0700") {
  test::TempDir dir;
  test::Result r = init_under_umask(dir.file("a/b/llmgw.db"), 022);
  CHECK(r.exit_code == 0);
  CHECK(mode_of(dir.file("a")) == 0700);
  CHECK(mode_of(dir.file("a/b")) == 0700);
  CHECK(mode_of(dir.file("a/b/llmgw.db")) == 0600);
}

TEST_CASE("cli: under umask 000 a new database is still 0600 in folders of 0700") {
  test::TempDir dir;
  test::Result r = init_under_umask(dir.file("a/b/llmgw.db"), 000);
  CHECK(r.exit_code == 0);
  CHECK(mode_of(dir.file("a")) == 0700);
  CHECK(mode_of(dir.file("a/b")) == 0700);
  CHECK(mode_of(dir.file("a/b/llmgw.db")) == 0600);
}

TEST_CASE("cli: folders that already exist keep their mode") {
  test::TempDir dir;
  REQUIRE(mkdir(dir.file("shared").c_str(), 0755) == 0);
  REQUIRE(chmod(dir.file("shared").c_str(), 0755) == 0);
  test::Result r = init_under_umask(dir.file("shared/private/llmgw.db"), 022);
  CHECK(r.exit_code == 0);
  CHECK(mode_of(dir.file("shared")) == 0755);
  CHECK(mode_of(dir.file("shared/private")) == 0700);
  CHECK(mode_of(dir.file("shared/private/llmgw.db")) == 0600);
}

TEST_CASE("cli: an existing database file keeps its mode") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(init_under_umask(db, 022).exit_code == 0);
  REQUIRE(chmod(db.c_str(), 0640) == 0);
  CHECK(init_under_umask(db, 022).exit_code == 0);
  CHECK(mode_of(db) == 0640);
}

TEST_CASE("cli: under umask 000 the -wal and -shm files llmgw makes are 0600 too") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  REQUIRE(init_under_umask(db, 022).exit_code == 0);
  REQUIRE(mode_of(db + "-wal") == -1);  // the last connection removed them
  SharedLock lock(db);
  REQUIRE(lock.locked());
  test::RunOptions options;
  options.umask = 000;
  CHECK(test::llmgw(db, {"key", "create", "-d", "wal"}, options).exit_code == 0);
  CHECK(mode_of(db + "-wal") == 0600);
  CHECK(mode_of(db + "-shm") == 0600);
}
