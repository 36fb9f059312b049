#include "core/backup.h"

#include "core/change_stamp.h"
#include "core/error.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llmgw {

namespace {

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw_io(fmt::format("cannot {} '{}': {}", what, path, std::strerror(errno)));
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa{}, sb{};
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

void sync_path(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    int saved = errno;
    if (fd >= 0) {
      close(fd);
    }
    errno = saved;
    fail_errno("sync", path);
  }
  close(fd);
}

std::string folder_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// A file that is removed when the backup does not get to move it into place.
class TemporaryFile {
public:
  explicit TemporaryFile(const std::string& beside) : m_path(beside + ".tmp-XXXXXX") {
    int fd = mkstemp(m_path.data());  // mode 0600
    if (fd < 0) {
      fail_errno("create backup", beside);
    }
    close(fd);
  }
  ~TemporaryFile() {
    if (!m_path.empty()) {
      unlink(m_path.c_str());
    }
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  const std::string& path() const { return m_path; }
  void release() { m_path.clear(); }

private:
  std::string m_path;
};

}  // namespace

std::int64_t backup_database(Store& store, const std::string& path, Overwrite overwrite) {
  for (const char* suffix : {"", "-wal", "-shm", k_change_stamp_suffix}) {
    if (same_file(path, store.path() + suffix)) {
      throw_invalid(fmt::format("cannot back up the database '{}' onto itself", store.path()));
    }
  }
  struct stat st{};
  if (overwrite == Overwrite::no && lstat(path.c_str(), &st) == 0) {
    throw_conflict(fmt::format("'{}' already exists; use --force to replace it", path));
  }

  TemporaryFile copy(path);
  SQLite::Statement vacuum(store.db(), "VACUUM INTO ?");
  vacuum.bind(1, copy.path());
  vacuum.exec();
  sync_path(copy.path(), O_RDONLY);

  if (overwrite == Overwrite::yes) {
    if (rename(copy.path().c_str(), path.c_str()) != 0) {
      fail_errno("create backup", path);
    }
  } else {
    // link() refuses an existing name atomically: a file that appeared since the check
    // above is not replaced either.
    if (link(copy.path().c_str(), path.c_str()) != 0) {
      if (errno == EEXIST) {
        throw_conflict(fmt::format("'{}' already exists; use --force to replace it", path));
      }
      fail_errno("create backup", path);
    }
    unlink(copy.path().c_str());
  }
  copy.release();
  sync_path(folder_of(path), O_RDONLY | O_DIRECTORY);

  if (stat(path.c_str(), &st) != 0) {
    fail_errno("read the size of backup", path);
  }
  return static_cast<std::int64_t>(st.st_size);
}

}  // namespace llmgw
