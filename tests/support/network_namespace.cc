#include "tests/support/network_namespace.h"

#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace test {

namespace {

std::string failure(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

std::string isolate_network() {
  if (::unshare(CLONE_NEWNET) != 0) {
    return failure("unshare(CLONE_NEWNET)");
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return failure("socket");
  }
  ifreq loopback{};
  std::strncpy(loopback.ifr_name, "lo", IFNAMSIZ - 1);
  std::string error;
  if (::ioctl(fd, SIOCGIFFLAGS, &loopback) != 0) {
    error = failure("SIOCGIFFLAGS lo");
  } else {
    loopback.ifr_flags = static_cast<short>(loopback.ifr_flags | IFF_UP);
    if (::ioctl(fd, SIOCSIFFLAGS, &loopback) != 0) {
      error = failure("SIOCSIFFLAGS lo");
    }
  }
  ::close(fd);
  return error;
}

}  // namespace test
