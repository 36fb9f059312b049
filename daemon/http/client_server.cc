#include "daemon/http/client_server.h"

#include "daemon/runtime/event_log.h"
#include "daemon/runtime/event_signal.h"
#include "daemon/runtime/fiber_scheduler.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace llmgw::daemon {

namespace {

// Closing a socket with unread input makes the kernel send a reset, which can destroy the
// response before the client reads it. So after a response that left a body unread, the
// write side is shut first and what the client still sends is discarded, for a moment.
void close_after_unread_body(int socket, int interrupt) {
  constexpr auto k_linger = std::chrono::seconds(1);
  constexpr std::size_t k_most = 1 << 20;
  ::shutdown(socket, SHUT_WR);
  auto until = std::chrono::steady_clock::now() + k_linger;
  std::size_t discarded = 0;
  char buffer[16 << 10];
  while (discarded < k_most) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    pollfd fds[2] = {{socket, POLLIN, 0}, {interrupt, POLLIN, 0}};
    if (left.count() <= 0 || wait_for_events(fds, 2, static_cast<int>(left.count())) <= 0 ||
        fds[1].revents != 0) {
      break;
    }
    ssize_t n = ::recv(socket, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n <= 0) {
      break;
    }
    discarded += static_cast<std::size_t>(n);
  }
}

// An accept() that failed for want of a resource that closing connections frees.
bool is_shortage(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

// An accept() that failed for this connection alone, or for a shortage: the listener goes
// on (after a pause for a shortage).
bool is_passing(int error) {
  if (is_shortage(error)) {
    return true;
  }
  switch (error) {
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case EPERM:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      return true;
    default:
      return false;
  }
}

}  // namespace

ClientServer::ClientServer(const ClientLimits& limits, const SessionSettings& settings,
                           std::size_t most_connections)
    : m_limits(limits),
      m_settings(settings),
      m_drain_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      m_abort_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      m_pool(most_connections, std::max(1u, std::thread::hardware_concurrency()),
             {m_drain_event, m_abort_event}) {}

ClientServer::~ClientServer() {
  m_pool.shutdown();  // before the events its tasks wait on close
  ::close(m_drain_event);
  ::close(m_abort_event);
}

void ClientServer::serve(int listener) {
  for (;;) {
    // The peer as accept() has it: getpeername() later fails on a connection the client
    // reset meanwhile, whose request may still be read.
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof peer;
    int socket = ::accept4(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length,
                           SOCK_CLOEXEC);
    if (socket < 0) {
      const int error = errno;
      if (m_draining) {
        break;
      }
      if (!is_passing(error)) {
        // No connection can be taken any more: the ones open end as in a drain.
        log_event(LogLevel::error, "accept_failed", {{"error", std::strerror(error)}});
        m_draining = true;
        signal_event(m_drain_event);
        break;
      }
      if (is_shortage(error)) {
        // The connection stays in the backlog until connections under way end.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      continue;
    }
    // Without it every response would wait ~40 ms for the client's delayed ACK.
    int yes = 1;
    ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    m_pool.enqueue([this, socket, address = IpAddress::from_socket(
                                      reinterpret_cast<const sockaddr&>(peer))] {
      serve_socket(socket, address);
    });
  }
  m_pool.shutdown();
}

void ClientServer::begin_drain(int listener) {
  m_draining = true;
  signal_event(m_drain_event);
  // A listening socket that is shut down leaves the LISTEN state: connections waiting to
  // be accepted are reset, new ones refused, and the blocked accept() fails, which ends
  // serve()'s loop.
  ::shutdown(listener, SHUT_RDWR);
}

void ClientServer::abort() {
  m_aborted = true;
  signal_event(m_abort_event);
}

void ClientServer::serve_socket(int socket, const std::optional<IpAddress>& peer) {
  bool unread_body = false;
  {
    // The connection's life ends before the socket's (it watches the socket meanwhile).
    ClientConnection connection(socket, m_limits, m_abort_event, m_aborted, peer);
    serve_connection(connection, m_routes, m_settings, m_drain_event, m_draining);
    unread_body = connection.phase() != RequestPhase::handled;
  }
  if (unread_body) {
    close_after_unread_body(socket, m_abort_event);
  }
  ::shutdown(socket, SHUT_RDWR);
  ::close(socket);
}

}  // namespace llmgw::daemon
