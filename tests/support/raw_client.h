#pragma once
// A client of the daemon on a bare TCP socket to 127.0.0.1, for what an HTTP library
// will not send: malformed or conflicting framing, a head trickled byte by byte, a body
// that comes after its answer. Every read is bounded by a timeout.
#include <chrono>
#include <string>

namespace test {

// What came back on a connection, and whether the daemon ended it (end of file or reset)
// before the time ran out.
struct RawReading {
  std::string bytes;
  bool closed = false;
};

class RawClient {
public:
  // Connects to 127.0.0.1:`port`; connected() tells whether that worked.
  explicit RawClient(int port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return m_socket >= 0; }
  // Sends all of `bytes`; false when the connection no longer takes them.
  bool send(const std::string& bytes);
  // Ends what this side sends (a half-close, as `nc -N` does); reading goes on.
  void finish_sending();
  // Reads until one whole response (its head and Content-Length bytes of body) is in, the
  // connection ends, or `timeout` passes. Bytes read beyond it are kept for the next call.
  RawReading read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until the connection ends or `timeout` passes.
  RawReading read_until_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
  // Reads what arrives within `until`; false once the connection has ended or time is up.
  bool read_more(std::chrono::steady_clock::time_point until);

  int m_socket = -1;
  std::string m_pending;
  bool m_ended = false;
};

// The errno of a fresh connect() to 127.0.0.1:`port` (ECONNREFUSED when nothing
// listens), or 0 when it connected.
int connect_error(int port);

// The status code of the response that `bytes` starts with; 0 when there is none.
int status_of(const std::string& bytes);
// How many responses `bytes` holds (status lines "HTTP/1.1 NNN ").
int response_count(const std::string& bytes);
// The value of header `name` (exact case) in the response head that `bytes` starts with;
// "" when absent.
std::string header_of(const std::string& bytes, const std::string& name);

// The resident memory of process `pid` in KiB, from /proc/<pid>/status; -1 when unknown.
long resident_kib(int pid);

}  // namespace test
