#include "daemon/client_stream.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace llmgw::daemon {

namespace {

constexpr std::size_t k_read_ahead = 16 << 10;

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

}  // namespace

ClientStream::ClientStream(int socket, const ClientLimits& limits, int interrupt)
    : m_socket(socket), m_interrupt(interrupt), m_limits(limits), m_buffer(k_read_ahead, '\0') {}

bool ClientStream::wait(short events, Clock::time_point until) const {
  for (;;) {
    // Rounded up, so that a wait that times out has reached `until`.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd fds[2] = {{m_socket, events, 0}, {m_interrupt, POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (ready < 0 && errno != EINTR) {
      return false;
    }
    if (ready > 0) {
      // An interrupt wins over a ready socket: past the drain deadline nothing more is done.
      return fds[1].revents == 0 && fds[0].revents != 0;
    }
  }
}

ClientStream::Clock::time_point ClientStream::read_deadline() const {
  auto one_read = Clock::now() + m_limits.read_timeout;
  return m_phase == RequestPhase::handled ? one_read : std::min(one_read, m_phase_deadline);
}

bool ClientStream::is_readable() const {
  if (m_offset < m_filled) {
    return true;
  }
  auto until = read_deadline();
  if (wait(POLLIN, until)) {
    return true;
  }
  if (m_phase != RequestPhase::handled && Clock::now() >= m_phase_deadline) {
    m_breach = m_phase == RequestPhase::head ? Breach::head_timeout : Breach::body_timeout;
  }
  return false;
}

ssize_t ClientStream::read(char* ptr, std::size_t size) {
  if (m_phase != RequestPhase::handled) {
    if (m_budget == 0) {
      m_breach = m_phase == RequestPhase::head ? Breach::head_too_large : Breach::body_too_large;
      return -1;
    }
    size = std::min(size, m_budget);
  }
  if (m_offset == m_filled) {
    if (!is_readable()) {
      return -1;
    }
    ssize_t n = ::recv(m_socket, m_buffer.data(), m_buffer.size(), MSG_DONTWAIT);
    if (n <= 0) {
      return n < 0 && (errno == EAGAIN || errno == EINTR) ? read(ptr, size) : n;
    }
    m_offset = 0;
    m_filled = static_cast<std::size_t>(n);
  }
  std::size_t n = std::min(size, m_filled - m_offset);
  std::copy_n(m_buffer.data() + m_offset, n, ptr);
  m_offset += n;
  if (m_phase != RequestPhase::handled) {
    m_budget -= n;
  }
  return static_cast<ssize_t>(n);
}

bool ClientStream::is_writable() const {
  if (!wait(POLLOUT, Clock::now() + m_limits.write_timeout)) {
    return false;
  }
  // A client that has gone away reads as end of file; bytes it sent ahead do not count.
  pollfd readable = {m_socket, POLLIN, 0};
  if (::poll(&readable, 1, 0) > 0) {
    char byte;
    return ::recv(m_socket, &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
  }
  return true;
}

ssize_t ClientStream::write(const char* ptr, std::size_t size) {
  for (;;) {
    if (!wait(POLLOUT, Clock::now() + m_limits.write_timeout)) {
      return -1;
    }
    ssize_t n = ::send(m_socket, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
      return n;
    }
  }
}

void ClientStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getpeername(m_socket, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    address_of(address, ip, port);
  }
}

void ClientStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getsockname(m_socket, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    address_of(address, ip, port);
  }
}

bool ClientStream::await_request(std::chrono::milliseconds idle, int stop) {
  if (m_offset < m_filled) {
    return true;
  }
  pollfd fds[3] = {{m_socket, POLLIN, 0}, {stop, POLLIN, 0}, {m_interrupt, POLLIN, 0}};
  int ready;
  do {
    ready = ::poll(fds, 3, static_cast<int>(idle.count()));
  } while (ready < 0 && errno == EINTR);
  // A request already on its way is served even when the daemon has begun to drain.
  return ready > 0 && fds[0].revents != 0 && fds[2].revents == 0;
}

void ClientStream::begin_head() {
  m_phase = RequestPhase::head;
  m_phase_deadline = Clock::now() + m_limits.header_timeout;
  m_budget = m_limits.max_head_bytes;
  m_breach = Breach::none;
}

void ClientStream::end_head(bool body) {
  if (!body) {
    m_phase = RequestPhase::handled;
    return;
  }
  m_phase = RequestPhase::body;
  m_phase_deadline = Clock::now() + m_limits.body_timeout;
  m_budget = m_limits.max_body_bytes;
}

}  // namespace llmgw::daemon
