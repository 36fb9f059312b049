#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

namespace test {

namespace {

int connected_socket(int port, int& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    error = errno;
    ::close(fd);
    return -1;
  }
  error = 0;
  return fd;
}

// The length of the whole response at the start of `bytes`, or 0 while it is incomplete.
std::size_t whole_response_length(const std::string& bytes) {
  std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return 0;
  }
  std::string length = header_of(bytes, "Content-Length");
  std::size_t total = head_end + 4 + (length.empty() ? 0 : std::stoul(length));
  return bytes.size() >= total ? total : 0;
}

}  // namespace

RawClient::RawClient(int port) {
  int error = 0;
  m_socket = connected_socket(port, error);
}

RawClient::~RawClient() {
  if (m_socket >= 0) {
    ::close(m_socket);
  }
}

bool RawClient::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (m_socket >= 0 && sent < bytes.size()) {
    ssize_t n = ::send(m_socket, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return m_socket >= 0;
}

void RawClient::finish_sending() {
  if (m_socket >= 0) {
    ::shutdown(m_socket, SHUT_WR);
  }
}

bool RawClient::read_more(std::chrono::steady_clock::time_point until) {
  if (m_ended || m_socket < 0) {
    return false;
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
  pollfd readable = {m_socket, POLLIN, 0};
  if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) {
    return false;
  }
  char buffer[16 << 10];
  ssize_t n = ::recv(m_socket, buffer, sizeof buffer, 0);
  if (n <= 0) {
    m_ended = true;  // end of file, or reset
    return false;
  }
  m_pending.append(buffer, static_cast<std::size_t>(n));
  return true;
}

RawReading RawClient::read_response(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (whole_response_length(m_pending) == 0 && read_more(until)) {
  }
  std::size_t length = whole_response_length(m_pending);
  RawReading reading;
  reading.bytes = m_pending.substr(0, length == 0 ? m_pending.size() : length);
  m_pending.erase(0, reading.bytes.size());
  reading.closed = m_ended && m_pending.empty();
  return reading;
}

RawReading RawClient::read_until_closed(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (read_more(until)) {
  }
  RawReading reading{std::move(m_pending), m_ended};
  m_pending.clear();
  return reading;
}

int connect_error(int port) {
  int error = 0;
  int fd = connected_socket(port, error);
  if (fd >= 0) {
    ::close(fd);
  }
  return error;
}

int status_of(const std::string& bytes) {
  if (bytes.rfind("HTTP/1.1 ", 0) != 0 || bytes.size() < 12) {
    return 0;
  }
  return std::atoi(bytes.substr(9, 3).c_str());
}

int response_count(const std::string& bytes) {
  // "HTTP/1.1 " then three digits and a space: a status line, not a message that names
  // the protocol ("An HTTP/1.1 request needs a Host header").
  const std::string_view start = "HTTP/1.1 ";
  int count = 0;
  for (std::size_t at = bytes.find(start); at != std::string::npos;
       at = bytes.find(start, at + 1)) {
    const std::size_t code = at + start.size();
    if (code + 4 <= bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[code])) &&
        std::isdigit(static_cast<unsigned char>(bytes[code + 1])) &&
        std::isdigit(static_cast<unsigned char>(bytes[code + 2])) && bytes[code + 3] == ' ') {
      ++count;
    }
  }
  return count;
}

std::string header_of(const std::string& bytes, const std::string& name) {
  std::size_t head_end = bytes.find("\r\n\r\n");
  std::string head = bytes.substr(0, head_end);
  std::string prefix = "\r\n" + name + ": ";
  std::size_t at = head.find(prefix);
  if (at == std::string::npos) {
    return "";
  }
  std::size_t start = at + prefix.size();
  return head.substr(start, head.find("\r\n", start) - start);
}

long resident_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string field;
  while (status >> field) {
    if (field == "VmRSS:") {
      long kib = -1;
      status >> kib;
      return kib;
    }
  }
  return -1;
}

}  // namespace test
