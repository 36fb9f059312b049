#include "core/change_stamp.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llmgw {

namespace {

// The file, opened for reading and writing; -1 when that is not possible.
int open_stamp_file(const std::string& db_path) {
  // Named after the real path: processes reaching the database by other names (symbolic
  // links) share one stamp file.
  char* real = ::realpath(db_path.c_str(), nullptr);
  if (real == nullptr) {
    return -1;
  }
  const std::string database(real);
  std::free(real);
  struct stat db{};
  if (::stat(database.c_str(), &db) != 0) {
    return -1;
  }
  const std::string path = database + k_change_stamp_suffix;
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT) {
    return fd;
  }
  const mode_t mode = db.st_mode & 0666;
  fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return errno == EEXIST ? ::open(path.c_str(), O_RDWR | O_CLOEXEC) : -1;
  }
  // Like SQLite's -wal and -shm files: the database's mode whatever the umask, and when
  // root creates it, the database's owner, so that a daemon running as that owner can
  // still read what root's CLI writes.
  bool ok = ::fchmod(fd, mode) == 0;
  if (ok && ::geteuid() == 0) {
    ok = ::fchown(fd, db.st_uid, db.st_gid) == 0;
  }
  if (!ok) {
    ::close(fd);
    ::unlink(path.c_str());
    return -1;
  }
  return fd;
}

}  // namespace

ChangeStamp::ChangeStamp(const std::string& db_path)
    : m_fd(open_stamp_file(db_path)),
      // Distinct between processes running at once (the pid) and over time (the clock).
      m_next((static_cast<std::uint64_t>(::getpid()) << 40) ^
             static_cast<std::uint64_t>(
                 std::chrono::system_clock::now().time_since_epoch().count())) {}

ChangeStamp::~ChangeStamp() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::uint64_t ChangeStamp::read() const {
  std::uint64_t stamp = 0;
  if (m_fd < 0 || ::pread(m_fd, &stamp, sizeof stamp, 0) != static_cast<ssize_t>(sizeof stamp)) {
    return 0;
  }
  return stamp;
}

void ChangeStamp::renew() {
  if (m_fd < 0) {
    return;
  }
  std::uint64_t stamp = ++m_next;
  ssize_t written = ::pwrite(m_fd, &stamp, sizeof stamp, 0);
  (void)written;  // a stamp not written costs the daemon up to one periodic check
}

}  // namespace llmgw
