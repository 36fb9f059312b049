#include "core/serve_lock.h"

#include "core/error.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace llmgw {

ServeLock::ServeLock(const std::string& db_path)
    : m_fd(::open(db_path.c_str(), O_RDONLY | O_CLOEXEC)) {
  if (m_fd < 0) {
    throw_io(fmt::format("cannot open '{}': {}", db_path, std::strerror(errno)));
  }
  int status;
  do {
    status = ::flock(m_fd, LOCK_SH);
  } while (status != 0 && errno == EINTR);
  if (status != 0) {
    int error = errno;
    ::close(m_fd);
    throw_io(fmt::format("cannot lock '{}': {}", db_path, std::strerror(error)));
  }
}

ServeLock::~ServeLock() {
  ::close(m_fd);
}

Served served(const std::string& db_path) {
  int fd = ::open(db_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Served::unknown;
  }
  Served answer = Served::unknown;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    answer = Served::no;
  } else if (errno == EWOULDBLOCK) {
    answer = Served::yes;
  }
  ::close(fd);  // drops the lock, if it was taken
  return answer;
}

}  // namespace llmgw
