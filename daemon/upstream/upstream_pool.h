#pragma once
// daemon/upstream/: the HTTP client to providers, over the runtime and HTTP syntax.
//
// The gateway's HTTP/1.1 client for one provider origin: keep-alive connections reused
// across requests, and responses read head first, body on demand. Redirects are never
// followed (a 3xx is a status like any other). Retrying on another provider is the
// caller's job; the only retry here is the stale keep-alive one (see send).
#include "daemon/upstream/idle_connections.h"
#include "daemon/upstream/origin.h"
#include "daemon/http/response_head.h"
#include "daemon/upstream/tls_context.h"
#include "daemon/upstream/upstream_connection.h"
#include "daemon/upstream/upstream_error.h"
#include "daemon/upstream/upstream_response.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmgw::daemon {

// The header fields of a request to a provider, as views of the caller's strings: read
// only while send() runs.
using RequestFields = std::vector<std::pair<std::string_view, std::string_view>>;

class UpstreamPool {
public:
  // For an https origin, loads the CA certificates (TlsConfig: system paths unless it
  // names others) and throws Error(io) when that fails. Peer verification is always on.
  // At most `max_idle` connections are kept idle. A request holds one connection at a
  // time, so a pool that may keep as many as there can be requests at once never closes a
  // connection that the next request would need: the daemon passes --threads.
  UpstreamPool(Origin origin, UpstreamTimeouts timeouts, const TlsConfig& tls = {},
               std::size_t max_idle = 64);
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // Sends `method` base_path + `path` with `headers` and `body`, adding Host,
  // Content-Length (for a body, or for POST, PUT and PATCH) and Connection: keep-alive,
  // and returns once the status line and the headers are read. Thread-safe.
  //
  // An idle connection is reused when there is one; if it turns out closed before any
  // response byte arrived (the upstream dropped it while idle: EOF or reset on the write
  // or the first read), the request is sent once more on a new connection. Any other
  // failure throws UpstreamError, whose message names the origin and never a header value
  // or body. Throws Error(invalid) when `method`, `path` or a header could not be sent
  // as is (control characters, or a header the pool sets itself); the message names the
  // header, never its value.
  std::unique_ptr<UpstreamResponse> send(std::string_view method, std::string_view path,
                                         const RequestFields& headers, std::string_view body);

  std::size_t idle_connections() const { return m_idle->size(); }
  // Closes idle connections unused for longer than the idle timeout.
  void close_expired_idle() { m_idle->close_expired(); }
  const Origin& origin() const { return m_origin; }

private:
  std::string render_request(std::string_view method, std::string_view path,
                             const RequestFields& headers, std::string_view body) const;
  std::unique_ptr<UpstreamResponse> exchange(std::unique_ptr<UpstreamConnection>& connection,
                                             std::string_view method,
                                             const std::string& request);

  Origin m_origin;
  std::string m_display;
  UpstreamTimeouts m_timeouts;
  std::unique_ptr<TlsContext> m_tls;  // null for http
  // Shared with the responses in flight, which hand their connection back to it; a
  // response that outlives the pool closes its connection instead.
  std::shared_ptr<IdleConnections> m_idle;
};

}  // namespace llmgw::daemon
