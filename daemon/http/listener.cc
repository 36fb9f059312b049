#include "daemon/http/listener.h"

#include <cerrno>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

namespace llmgw::daemon {

namespace {

// A socket bound to `address` and listening; -1 (errno set) when it cannot be.
int listen_at(const addrinfo& address) {
  int socket = ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC,
                        address.ai_protocol);
  if (socket < 0) {
    return -1;
  }
  int yes = 1;
  int no = 0;
  if (::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0 ||
      (address.ai_family == AF_INET6 &&
       ::setsockopt(socket, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no) != 0) ||
      ::bind(socket, address.ai_addr, address.ai_addrlen) != 0 ||
      ::listen(socket, SOMAXCONN) != 0) {
    int error = errno;
    ::close(socket);
    errno = error;
    return -1;
  }
  return socket;
}

int bound_port(int socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return 0;
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
}

}  // namespace

std::optional<Listener> listen_tcp(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0) {
    errno = EADDRNOTAVAIL;
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    int socket = listen_at(*address);
    if (socket >= 0) {
      return Listener{socket, bound_port(socket)};
    }
  }
  return std::nullopt;
}

}  // namespace llmgw::daemon
