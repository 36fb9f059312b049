#pragma once
// daemon/http/: the server side of HTTP/1.1, over the fiber runtime.
//
// Accepts connections on a listening socket (listener.h) and serves each with
// serve_connection(): requests are read, routed and answered by ClientSession, within the
// bounds of ClientConnection. A connection ends after a
// response that left the request's body unread (the body would otherwise be read as the
// next request), and idle keep-alive connections end when a shutdown begins. The
// connections run on fibers (FiberPool), at most `most_connections` at once with a
// request under way; connections waiting for a request hold no turn (leave_turn()). A
// new connection that sends nothing within ClientLimits::first_byte is closed.
#include "daemon/http/client_session.h"
#include "daemon/http/client_connection.h"
#include "daemon/http/routes.h"
#include "daemon/runtime/fiber_pool.h"

#include <atomic>
#include <cstddef>

namespace llmgw::daemon {

class ClientServer final {
public:
  ClientServer(const ClientLimits& limits, const SessionSettings& settings,
               std::size_t most_connections);
  ~ClientServer();
  ClientServer(const ClientServer&) = delete;
  ClientServer& operator=(const ClientServer&) = delete;

  // Accepts the connections of `listener` (a listening socket, which the caller closes
  // afterwards) and serves them until a drain begins, or until accept() fails for good
  // (logged; the connections open then end as in a drain); returns once every
  // connection has ended.
  void serve(int listener);
  // Stops taking connections at once: `listener` stops listening (before serve() or
  // during it), so new connections are refused and serve() returns once every connection
  // has ended. Idle connections are closed now, busy ones after their current response.
  void begin_drain(int listener);
  bool draining() const { return m_draining; }
  // Ends every connection still open at its next read or write.
  void abort();

  // What requests are answered with; set before listening.
  Routes& routes() { return m_routes; }

private:
  // Serves one accepted connection (its peer as accept() gave it), then closes it.
  void serve_socket(int socket, const std::optional<IpAddress>& peer);

  ClientLimits m_limits;
  SessionSettings m_settings;
  Routes m_routes;
  std::atomic<bool> m_draining{false};
  int m_drain_event;  // readable once draining
  int m_abort_event;  // readable once aborted
  std::atomic<bool> m_aborted{false};
  FiberPool m_pool;  // last: its tasks use the members above until it has shut down
};

}  // namespace llmgw::daemon
