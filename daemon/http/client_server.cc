#include "daemon/http/client_server.h"

#include "daemon/runtime/event_signal.h"
#include "daemon/runtime/fiber_pool.h"
#include "daemon/runtime/fiber_scheduler.h"

#include <algorithm>
#include <chrono>
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

}  // namespace

ClientServer::ClientServer(const ClientLimits& limits, const SessionSettings& settings,
                           std::size_t most_connections)
    : m_limits(limits),
      m_settings(settings),
      m_drain_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      m_abort_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  new_task_queue = [this, most_connections] {
    return new FiberPool(most_connections, std::max(1u, std::thread::hardware_concurrency()),
                         {m_drain_event, m_abort_event});
  };
}

ClientServer::~ClientServer() {
  ::close(m_drain_event);
  ::close(m_abort_event);
}

void ClientServer::begin_drain(int listener) {
  m_draining = true;
  signal_event(m_drain_event);
  // A listening socket that is shut down leaves the LISTEN state: connections waiting to
  // be accepted are reset, new ones refused, and the blocked accept() fails, which ends
  // cpp-httplib's accept loop (it then closes the socket and waits for its workers).
  // stop() is not used: it would also end the streams still being relayed.
  ::shutdown(listener, SHUT_RDWR);
}

void ClientServer::abort() {
  m_aborted = true;
  signal_event(m_abort_event);
}

bool ClientServer::process_and_close_socket(socket_t socket) {
  bool ok = false;
  bool unread_body = false;
  {
    // The connection's life ends before the socket's (it watches the socket meanwhile).
    ClientConnection connection(socket, m_limits, m_abort_event, m_aborted);
    ok = serve_connection(connection, m_routes, m_settings, m_drain_event, m_draining);
    unread_body = connection.phase() != RequestPhase::handled;
  }
  if (unread_body) {
    close_after_unread_body(socket, m_abort_event);
  }
  ::shutdown(socket, SHUT_RDWR);
  ::close(socket);
  return ok;
}

}  // namespace llmgw::daemon
