#include "core/change_stamp.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <sys/mman.h>
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

// The stamp's eight bytes, mapped, so that reading it is a load rather than a system
// call; nullptr when they cannot be. A file shorter than that (new, or left by a process
// that ended before its first stamp) is first extended with zeros, which read as no stamp.
const std::uint64_t* map_stamp(int fd) {
  struct stat file{};
  if (fd < 0 || ::fstat(fd, &file) != 0 ||
      (file.st_size < static_cast<off_t>(sizeof(std::uint64_t)) &&
       ::ftruncate(fd, sizeof(std::uint64_t)) != 0)) {
    return nullptr;
  }
  void* mapped = ::mmap(nullptr, sizeof(std::uint64_t), PROT_READ, MAP_SHARED, fd, 0);
  return mapped == MAP_FAILED ? nullptr : static_cast<const std::uint64_t*>(mapped);
}

}  // namespace

ChangeStamp::ChangeStamp(const std::string& db_path)
    : m_fd(open_stamp_file(db_path)),
      m_stamp(map_stamp(m_fd)),
      // Distinct between processes running at once (the pid) and over time (the clock).
      m_next((static_cast<std::uint64_t>(::getpid()) << 40) ^
             static_cast<std::uint64_t>(
                 std::chrono::system_clock::now().time_since_epoch().count())) {}

ChangeStamp::~ChangeStamp() {
  if (m_stamp != nullptr) {
    ::munmap(const_cast<std::uint64_t*>(m_stamp), sizeof(std::uint64_t));
  }
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::uint64_t ChangeStamp::read() const {
  // Another process may be writing it: a torn value only costs one more look (above).
  return m_stamp != nullptr ? __atomic_load_n(m_stamp, __ATOMIC_RELAXED) : 0;
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
