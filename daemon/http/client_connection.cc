#include "daemon/http/client_connection.h"

#include "daemon/runtime/event_signal.h"
#include "daemon/runtime/fiber_scheduler.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace llmgw::daemon {

namespace {

constexpr std::size_t k_read_ahead = 16 << 10;

}  // namespace

ClientConnection::ClientConnection(int socket, const ClientLimits& limits, int interrupt,
                                   const std::atomic<bool>& aborted,
                                   std::optional<IpAddress> peer)
    : m_socket(socket),
      m_peer(peer),
      m_interrupt(interrupt),
      m_limits(limits),
      m_buffer(k_read_ahead, '\0'),
      m_aborted(aborted) {
  watch_descriptor(m_socket);
}

ClientConnection::~ClientConnection() {
  settle();  // the commit may not be left holding a socket that is about to close
  forget_descriptor(m_socket);
  if (m_handback >= 0) {
    forget_descriptor(m_handback);
    ::close(m_handback);
  }
}

int ClientConnection::handback() {
  if (m_handback < 0) {
    m_handback = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    watch_descriptor(m_handback);
  }
  return m_handback;
}

void ClientConnection::reset_handback() {
  reset_event(m_handback);
  descriptor_drained(m_handback, POLLIN);
}

void ClientConnection::send_after(std::shared_ptr<CommitTicket> commit) {
  settle();
  m_commit = std::move(commit);
}

bool ClientConnection::settle() {
  if (!m_commit) {
    return !m_broken;
  }
  std::shared_ptr<CommitTicket> commit = std::move(m_commit);
  m_commit.reset();
  m_commit_holds = false;
  // The commit is waited for, but not past the drain deadline: then the response is
  // abandoned and the connection ends. The wait is on the handback event, which the
  // commit signals when done, so that on a fiber the thread serves others meanwhile.
  bool signalled = false;
  while (commit->signal_when_done(handback())) {
    signalled = true;
    pollfd fds[2] = {{m_handback, POLLIN, 0}, {m_interrupt, POLLIN, 0}};
    int ready = wait_for_events(fds, 2, -1);
    if (ready > 0 && fds[1].revents != 0 && m_aborted.load(std::memory_order_relaxed)) {
      commit->abandon();
      m_broken = true;
      return false;
    }
    reset_handback();
  }
  std::optional<std::string> rest = commit->finish();
  if (signalled || (rest && !rest->empty())) {
    reset_handback();  // the commit may have signalled it since
  }
  // A response cut short breaks the connection for good: nothing may follow it.
  if (!rest || (!rest->empty() && !write(*rest))) {
    m_broken = true;
  }
  return !m_broken;
}

bool ClientConnection::wait(short events, Clock::time_point until) const {
  for (;;) {
    // Rounded up, so that a wait that times out has reached `until`.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd fds[2] = {{m_socket, events, 0}, {m_interrupt, POLLIN, 0}};
    int ready = wait_for_events(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (ready < 0 && errno != EINTR) {
      return false;
    }
    if (ready > 0) {
      // An interrupt wins over a ready socket: past the drain deadline nothing more is done.
      return fds[1].revents == 0 && fds[0].revents != 0;
    }
  }
}

ClientConnection::Clock::time_point ClientConnection::read_deadline() const {
  auto one_read = Clock::now() + m_limits.read_timeout;
  return m_phase == RequestPhase::handled ? one_read : std::min(one_read, m_phase_deadline);
}

bool ClientConnection::await_input() const {
  auto until = read_deadline();
  if (wait(POLLIN, until)) {
    return true;
  }
  // The phase's time is up, or one wait within it passed the read timeout: either way the
  // request did not arrive in time. (An interrupt ends the wait before `until`.)
  if (m_phase != RequestPhase::handled && Clock::now() >= until) {
    m_breach = m_phase == RequestPhase::head ? Breach::head_timeout : Breach::body_timeout;
  }
  return false;
}

ssize_t ClientConnection::receive_now(char* into, std::size_t room) {
  ssize_t n = ::recv(m_socket, into, room, MSG_DONTWAIT);
  if ((n > 0 && static_cast<std::size_t>(n) < room) || (n < 0 && errno == EAGAIN)) {
    descriptor_drained(m_socket, POLLIN);
  }
  return n;
}

ssize_t ClientConnection::receive() {
  // The bytes are usually there already (the head arrived in one segment): try first,
  // wait only when the socket would block.
  char* free_space = m_buffer.data() + m_filled;
  const std::size_t room = m_buffer.size() - m_filled;
  ssize_t n = m_aborted.load(std::memory_order_relaxed) ? -1 : receive_now(free_space, room);
  while (n < 0 && !m_aborted.load(std::memory_order_relaxed) &&
         (errno == EAGAIN || errno == EINTR)) {
    if (!await_input()) {
      return -1;
    }
    n = receive_now(free_space, room);
  }
  if (n > 0) {
    m_filled += static_cast<std::size_t>(n);
  }
  return n;
}

bool ClientConnection::read_more() {
  const std::size_t pending = m_filled - m_offset;
  if (m_phase != RequestPhase::handled && pending >= m_budget) {
    m_breach = m_phase == RequestPhase::head ? Breach::head_too_large : Breach::body_too_large;
    return false;
  }
  if (m_offset > 0) {
    std::memmove(m_buffer.data(), m_buffer.data() + m_offset, pending);
    m_offset = 0;
    m_filled = pending;
  }
  if (m_filled == m_buffer.size()) {
    m_buffer.resize(m_buffer.size() * 2);  // a head longer than the read-ahead
  }
  return receive() > 0;
}

void ClientConnection::consume(std::size_t count) {
  m_offset += count;
  if (m_phase != RequestPhase::handled) {
    m_budget -= std::min(count, m_budget);
  }
}

bool ClientConnection::is_writable() const {
  if (!wait(POLLOUT, Clock::now() + m_limits.write_timeout)) {
    return false;
  }
  // The end of the client's input says nothing here: a client that shut down only its
  // sending side (a half-close) still reads the answer. One that has gone away resets
  // the connection at the first bytes written to it, which shows as an error or a
  // hang-up (and makes the next write fail).
  pollfd state = {m_socket, POLLOUT, 0};
  return ::poll(&state, 1, 0) >= 0 && (state.revents & (POLLERR | POLLHUP)) == 0;
}

bool ClientConnection::write(std::string_view first, std::string_view second) {
  if (m_broken) {
    return false;
  }
  if (m_commit) {
    if (!m_commit_holds) {
      std::string response;
      response.reserve(first.size() + second.size());
      response.append(first).append(second);
      int event = handback();
      if (event >= 0 && m_commit->hold(m_socket, std::move(response), event)) {
        m_commit_holds = true;
        return true;
      }
    }
    // Committed already, or holding earlier bytes: those go first.
    if (!settle()) {
      return false;
    }
  }
  while (!first.empty() || !second.empty()) {
    if (m_aborted.load(std::memory_order_relaxed)) {
      return false;
    }
    iovec parts[2] = {{const_cast<char*>(first.data()), first.size()},
                      {const_cast<char*>(second.data()), second.size()}};
    msghdr message{};
    message.msg_iov = first.empty() ? parts + 1 : parts;
    message.msg_iovlen = first.empty() ? 1 : 2;
    ssize_t n = ::sendmsg(m_socket, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      // Full socket buffer: wait for room, at most the write timeout.
      if (errno == EAGAIN) {
        descriptor_drained(m_socket, POLLOUT);
      }
      if ((errno != EAGAIN && errno != EINTR) ||
          !wait(POLLOUT, Clock::now() + m_limits.write_timeout)) {
        return false;
      }
      continue;
    }
    std::size_t sent = static_cast<std::size_t>(n);
    std::size_t from_first = std::min(sent, first.size());
    first.remove_prefix(from_first);
    second.remove_prefix(sent - from_first);
  }
  return true;
}

bool ClientConnection::skip_empty_lines() {
  // Some clients end a body with a CRLF; RFC 9112 asks a server to ignore empty lines
  // before a request line. They are no request: the connection stays idle.
  while (buffered().substr(0, 2) == "\r\n") {
    consume(2);
  }
  return m_offset < m_filled;
}

bool ClientConnection::await_request(std::chrono::milliseconds idle, int stop) {
  if (skip_empty_lines()) {
    // A pipelined request: the response before it goes out whole first.
    return settle();
  }
  if (m_commit && m_commit->done() && !m_commit_holds) {
    m_commit.reset();
  }
  for (;;) {
    // While a commit holds the last response, it may hand part of it back.
    const bool holding = m_commit_holds;
    pollfd fds[4] = {{m_socket, POLLIN, 0},
                     {stop, POLLIN, 0},
                     {m_interrupt, POLLIN, 0},
                     {holding ? m_handback : -1, POLLIN, 0}};
    int ready;
    do {
      ready = wait_for_events(fds, 4, static_cast<int>(idle.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready > 0 && fds[3].revents != 0 && fds[2].revents == 0) {
      if (!settle()) {
        return false;
      }
      continue;
    }
    // A request already on its way is served even when the daemon has begun to drain.
    if (ready <= 0 || fds[0].revents == 0 || fds[2].revents != 0) {
      return false;
    }
    // Its first bytes are taken here, so that empty lines before it leave the
    // connection waiting as an idle one, not as one whose head is under way.
    m_offset = 0;
    m_filled = 0;
    ssize_t n = receive_now(m_buffer.data(), m_buffer.size());
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      return false;  // closed by the client
    }
    m_filled = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (skip_empty_lines()) {
      return true;
    }
  }
}

void ClientConnection::begin_head() {
  m_phase = RequestPhase::head;
  m_phase_deadline = Clock::now() + m_limits.header_timeout;
  m_budget = m_limits.max_head_bytes;
  m_breach = Breach::none;
}

void ClientConnection::end_head(bool body) {
  if (!body) {
    m_phase = RequestPhase::handled;
    return;
  }
  m_phase = RequestPhase::body;
  m_phase_deadline = Clock::now() + m_limits.body_timeout;
  m_budget = m_limits.max_body_bytes;
}

}  // namespace llmgw::daemon
