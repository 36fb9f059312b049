#include "tests/support/raw_upstream.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace test {

namespace {

using Clock = std::chrono::steady_clock;

int bound_listener(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot bind a loopback socket");
  }
  port = ntohs(address.sin_port);
  return fd;
}

// Waits up to `limit` for `fd` to be readable, in slices, giving up when `stopping`.
bool readable(int fd, const std::atomic<bool>& stopping, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (!stopping && Clock::now() < deadline) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 20) > 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

RawConnection::~RawConnection() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::string RawConnection::read_request() {
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    auto head_end = m_pending.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::size_t length = 0;
      auto field = m_pending.find("Content-Length: ");
      if (field != std::string::npos && field < head_end) {
        length = std::stoul(m_pending.substr(field + 16));
      }
      std::size_t total = head_end + 4 + length;
      if (m_pending.size() >= total) {
        std::string request = m_pending.substr(0, total);
        m_pending.erase(0, total);
        return request;
      }
    }
    if (!readable(m_fd, m_stopping, std::chrono::milliseconds(100))) {
      continue;
    }
    char buffer[16384];
    ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      return "";
    }
    m_pending.append(buffer, static_cast<std::size_t>(n));
  }
  return "";
}

std::string RawConnection::read_some() {
  if (!m_pending.empty()) {
    return std::exchange(m_pending, "");
  }
  if (!readable(m_fd, m_stopping, std::chrono::seconds(5))) {
    return "";
  }
  char buffer[16384];
  ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
}

void RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return;  // the client went away; what it saw is the test's to check
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void RawConnection::wait_for_close() {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline && readable(m_fd, m_stopping, std::chrono::seconds(10))) {
    char buffer[16384];
    if (::recv(m_fd, buffer, sizeof buffer, 0) <= 0) {
      return;
    }
  }
}

void RawConnection::reset() {
  linger abort{1, 0};
  ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  ::close(m_fd);
  m_fd = -1;
}

RawUpstream::RawUpstream(Script script) : m_script(std::move(script)) {
  m_listener = bound_listener(m_port);
  if (::listen(m_listener, 16) != 0) {
    throw std::runtime_error("cannot listen on a loopback socket");
  }
  m_thread = std::thread([this] { serve(); });
}

RawUpstream::~RawUpstream() {
  m_stopping = true;
  m_thread.join();
  ::close(m_listener);
}

void RawUpstream::serve() {
  while (!m_stopping) {
    if (!readable(m_listener, m_stopping, std::chrono::milliseconds(100))) {
      continue;
    }
    int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    ++m_accepted;
    RawConnection connection(fd, m_stopping);
    m_script(connection);
  }
}

FullBacklog::FullBacklog() {
  m_listener = bound_listener(m_port);
  ::listen(m_listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(m_port));
  // A backlog of 0 still queues a connection or two; a few more make sure it is full.
  for (int i = 0; i < 4; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    m_fillers.push_back(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

FullBacklog::~FullBacklog() {
  for (int fd : m_fillers) {
    ::close(fd);
  }
  ::close(m_listener);
}

int closed_port() {
  int port = 0;
  ::close(bound_listener(port));
  return port;
}

long long elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace test
