#pragma once
// One TCP connection (TLS over it for https) to a provider's origin: non-blocking socket,
// every wait bounded by a timeout, and a read buffer the response parser consumes from.
// Not thread-safe: one exchange at a time, by whoever holds it.
#include "daemon/upstream/origin.h"
#include "daemon/upstream/tls_context.h"
#include "daemon/upstream/upstream_error.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace llmgw::daemon {

struct UpstreamTimeouts {
  // Bounds the TCP connect (across every address of the host) and, separately, the TLS
  // handshake. Name resolution is not bounded by it: getaddrinfo cannot be cancelled.
  std::chrono::milliseconds connect{5000};
  // Bounds each single wait for the upstream to send bytes or to take ours, not the
  // whole response: a stream may run for minutes as long as it keeps moving.
  std::chrono::milliseconds read{60000};
  // A keep-alive connection idle for longer is closed rather than reused: servers drop
  // idle connections after a while, and a reused dead one costs a retry.
  std::chrono::milliseconds idle{30000};
};

class UpstreamConnection {
  // Only open() makes connections; the key lets it use std::make_unique.
  struct Key {
    explicit Key() = default;
  };

public:
  // Connects to `origin`, trying each resolved address in turn, then runs the TLS
  // handshake when `tls` is not null (SNI, certificate and host name verified). Throws
  // UpstreamError(connect or tls), with nothing sent.
  static std::unique_ptr<UpstreamConnection> open(const Origin& origin,
                                                  const UpstreamTimeouts& timeouts,
                                                  SSL_CTX* tls);

  UpstreamConnection(Key, int fd, std::chrono::milliseconds read_timeout);
  // Closes the socket at once, without a TLS close_notify: when a client goes away
  // mid-stream, the upstream must see the disconnect now, and nothing may block here.
  ~UpstreamConnection();
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  // A new request starts: the sent and received counters restart from zero.
  void begin_exchange();
  // Sends all of `data`. Throws UpstreamError(timeout) when the upstream takes no byte
  // for the read timeout, UpstreamError(reset) when the connection is gone.
  void write_all(std::string_view data);
  // Waits (up to the read timeout) for bytes and appends what arrived to buffered();
  // false when the upstream closed the connection. Throws UpstreamError(timeout, reset).
  bool fill();
  std::string_view buffered() const {
    return std::string_view(m_buffer).substr(m_buffer_start);
  }
  // Drops the first `count` bytes of buffered(), which the caller has parsed.
  void consume(std::size_t count);

  // Every later wait ends by `deadline` at the latest, as if its timeout had passed: for
  // reading on within a bound of its own (a stream whose client left).
  void end_waits_by(std::chrono::steady_clock::time_point deadline) { m_deadline = deadline; }
  // Whether bytes are ready to be read (or the upstream closed or failed, which the read
  // reports) within `at_most`; false when none came by then. Throws nothing.
  bool await_input(std::chrono::milliseconds at_most) const;
  std::chrono::milliseconds read_timeout() const { return m_read_timeout; }

  RequestSent request_sent() const { return m_sent > 0 ? RequestSent::yes : RequestSent::no; }
  bool received_any() const { return m_received > 0; }
  // Whether an idle connection can carry a new request: no byte has arrived unasked and
  // the upstream has not closed it.
  bool usable_when_idle() const;

private:
  void handshake(const Origin& origin, SSL_CTX* tls, std::chrono::milliseconds timeout);
  // Waits until the socket is ready for `events` (POLLIN or POLLOUT) or `timeout` passes;
  // false on timeout.
  bool wait(short events, std::chrono::milliseconds timeout) const;
  [[noreturn]] void fail(UpstreamFailure failure, const std::string& what) const;
  std::size_t read_into(char* data, std::size_t size);  // 0 at end of stream

  struct FreeSsl {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  SocketBioState m_socket;  // the BIO points at it: the object never moves
  std::unique_ptr<SSL, FreeSsl> m_ssl;
  std::chrono::milliseconds m_read_timeout;
  std::chrono::steady_clock::time_point m_deadline = std::chrono::steady_clock::time_point::max();
  std::string m_buffer;
  std::size_t m_buffer_start = 0;
  std::uint64_t m_sent = 0;
  std::uint64_t m_received = 0;
};

}  // namespace llmgw::daemon
