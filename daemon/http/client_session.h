#pragma once
// One request on a client's connection, from its head to the end of its response: the
// head and the body read within the connection's bounds (ClientConnection), the routes run,
// the response written (response_writer.h). HTTP/1.1 and 1.0, bodies sized by
// Content-Length or chunked, Expect: 100-continue, keep-alive. The client's address
// (client_address.h) is the request's `remote_addr`, set once its head is read.
#include "core/address.h"
#include "daemon/http/client_connection.h"
#include "daemon/http/routes.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <vector>

namespace llmgw::daemon {

struct SessionSettings {
  std::size_t max_body_bytes = 4 << 20;          // --max-body: a larger body gets 413
  std::chrono::seconds keep_alive{5};            // stated in each response's Keep-Alive
  std::vector<Network> trusted_proxies;          // --trusted-proxy (see client_address.h)
};

struct Served {
  bool written = false;        // the response went out whole
  // The connection ends after it: the client asked, or the body ends with the connection.
  bool connection_ends = false;
};

// Serves the request whose first byte has arrived on `connection` (begin_head() called).
// A request line that never ends (the head's time or size runs out first) gets no
// answer; any other request gets one.
Served serve_request(ClientConnection& connection, const Routes& routes,
                     const SessionSettings& settings);

// Serves the requests that arrive on `connection`, one after the other, until the client
// closes or idles past its limits (first_byte before the first request, keep_alive
// after), a response ends the connection or fails, `stop` (a file descriptor) turns
// readable while it waits for a request, or `draining` is true after a response. The
// connection holds a turn of its fiber pool only while a request is under way. Then
// waits for the last response's commit.
void serve_connection(ClientConnection& connection, const Routes& routes,
                      const SessionSettings& settings, int stop,
                      const std::atomic<bool>& draining);

}  // namespace llmgw::daemon
