#include "daemon/runtime/commit_ticket.h"

#include "daemon/runtime/event_signal.h"

#include <cerrno>
#include <cstdint>
#include <sys/socket.h>
#include <unistd.h>

namespace llmgw::daemon {

bool CommitTicket::hold(int socket, std::string response, int handback) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  if (m_committed) {
    return false;
  }
  m_response = std::move(response);
  m_socket = socket;
  m_handback = handback;
  return true;
}

bool CommitTicket::signal_when_done(int event) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  if (m_committed || event < 0) {
    return false;
  }
  m_signal = event;
  return true;
}

void CommitTicket::committed() {
  std::string response;
  int done_signal;
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    m_committed = true;
    response.swap(m_response);
    done_signal = m_signal;
  }
  std::size_t sent = 0;
  bool full = false;
  while (sent < response.size()) {
    ssize_t n = ::send(m_socket, response.data() + sent, response.size() - sent,
                       MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      full = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      break;  // full: handed back below; otherwise the client is gone
    }
  }
  if (sent < response.size() && !full) {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    m_failed = true;  // the client is gone, or the socket broke: the connection must end
  }
  if (full) {
    response.erase(0, sent);  // no allocation: this must not throw
    {
      std::lock_guard<CheckedMutex> lock(m_mutex);
      m_response = std::move(response);
    }
    signal_event(m_handback);
  }
  // Before post(): until then the connection's thread keeps its events open.
  if (done_signal >= 0 && !(full && done_signal == m_handback)) {
    signal_event(done_signal);
  }
  // From here the connection's thread may go on, and close the socket.
  m_done.post();
}

void CommitTicket::given_up() {
  int done_signal;
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    m_committed = true;
    m_failed = true;
    m_response.clear();
    done_signal = m_signal;
  }
  if (done_signal >= 0) {
    signal_event(done_signal);
  }
  m_done.post();
}

void CommitTicket::abandon() {
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    m_failed = true;
    // The connection closes its socket and events once this returns, and their numbers
    // may be reused at once: the commit must not write to them afterwards.
    m_signal = -1;
    if (!m_committed) {
      m_response.clear();  // committed() will find nothing to send
      return;
    }
  }
  // committed() took what it sends and signals before this: it ends in a moment (it never
  // blocks), with the descriptors still open.
  m_done.wait_for_imminent_post();
}

std::optional<std::string> CommitTicket::finish() {
  bool committed = m_done.posted();
  if (!committed) {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    committed = m_committed;
  }
  if (committed) {
    m_done.wait_for_imminent_post();  // committed() or given_up() posts next, never blocking
  } else {
    m_done.wait();
  }
  std::lock_guard<CheckedMutex> lock(m_mutex);
  if (m_failed) {
    return std::nullopt;
  }
  std::string rest;
  rest.swap(m_response);
  return rest;
}

}  // namespace llmgw::daemon
