#pragma once
// An upstream that misbehaves in ways an HTTP server library will not: a TCP listener on
// 127.0.0.1 that runs a script for each accepted connection, one connection at a time,
// on its own thread. Every wait is bounded, and the destructor stops and joins.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace test {

class RawConnection {
public:
  RawConnection(int fd, const std::atomic<bool>& stopping) : m_fd(fd), m_stopping(stopping) {}
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Reads one request: its head and its Content-Length body. "" when the client closed
  // the connection first, or after 5 s.
  std::string read_request();
  // Whatever bytes arrive next (waiting up to 5 s); "" when the client closed.
  std::string read_some();
  void send(std::string_view bytes);
  // Returns once the client has closed the connection (or the server stops, or 10 s).
  void wait_for_close();
  // Closes with a TCP reset instead of an orderly close.
  void reset();

private:
  int m_fd;
  const std::atomic<bool>& m_stopping;
  std::string m_pending;  // bytes read past the last request
};

class RawUpstream {
public:
  using Script = std::function<void(RawConnection&)>;

  explicit RawUpstream(Script script);
  ~RawUpstream();
  RawUpstream(const RawUpstream&) = delete;
  RawUpstream& operator=(const RawUpstream&) = delete;

  int port() const { return m_port; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  // Connections accepted so far.
  int accepted() const { return m_accepted; }

private:
  void serve();

  Script m_script;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<int> m_accepted{0};
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

// A loopback listener that never accepts, its queue filled by connections of its own:
// the kernel drops the SYNs of any further connect, which therefore hangs.
class FullBacklog {
public:
  FullBacklog();
  ~FullBacklog();
  FullBacklog(const FullBacklog&) = delete;
  FullBacklog& operator=(const FullBacklog&) = delete;

  int port() const { return m_port; }

private:
  int m_listener = -1;
  int m_port = 0;
  std::vector<int> m_fillers;
};

// A loopback port where nothing listens (bound, then closed): connecting is refused.
int closed_port();

// Milliseconds since `start`, for bounding how long a failure took.
long long elapsed_ms(std::chrono::steady_clock::time_point start);

}  // namespace test
