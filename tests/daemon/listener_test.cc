#include "daemon/http/listener.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace llmgw::daemon;

namespace {

int socket_option(int socket, int level, int name) {
  int value = -1;
  socklen_t length = sizeof value;
  REQUIRE(::getsockopt(socket, level, name, &value, &length) == 0);
  return value;
}

bool connects(int port) {
  int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  bool ok = ::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(client);
  return ok;
}

}  // namespace

TEST_CASE("listener: port 0 takes a free port, which then takes connections") {
  auto listener = listen_tcp("127.0.0.1", 0);
  REQUIRE(listener);
  CHECK(listener->port > 0);
  CHECK(socket_option(listener->socket, SOL_SOCKET, SO_ACCEPTCONN) == 1);
  CHECK(socket_option(listener->socket, SOL_SOCKET, SO_REUSEADDR) != 0);
  CHECK(socket_option(listener->socket, SOL_SOCKET, SO_REUSEPORT) == 0);
  CHECK(connects(listener->port));
  ::close(listener->socket);
}

TEST_CASE("listener: a port already listened on cannot be taken a second time") {
  auto first = listen_tcp("127.0.0.1", 0);
  REQUIRE(first);
  errno = 0;
  CHECK_FALSE(listen_tcp("127.0.0.1", first->port));
  CHECK(errno == EADDRINUSE);
  ::close(first->socket);
}

TEST_CASE("listener: a host that is no address of this machine cannot be listened on") {
  CHECK_FALSE(listen_tcp("192.0.2.1", 0));  // TEST-NET-1: documentation only
}
