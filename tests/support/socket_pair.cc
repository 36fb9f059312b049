#include "tests/support/socket_pair.h"

#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace test {

SocketPair::SocketPair() {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  gateway = fds[0];
  client = fds[1];
}

SocketPair::~SocketPair() {
  for (int fd : {gateway, client}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

std::string SocketPair::receive(int wait_ms) const {
  std::string bytes;
  pollfd fd = {client, POLLIN, 0};
  while (::poll(&fd, 1, bytes.empty() ? wait_ms : 50) > 0) {
    char buffer[65536];
    ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return bytes;
}

void SocketPair::send(std::string_view bytes) const {
  CHECK(::send(client, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(bytes.size()));
}

}  // namespace test
