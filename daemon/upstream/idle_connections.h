#pragma once
// The keep-alive connections of one pool while no request uses them. Thread-safe; a lock
// is held only to move pointers, never across network I/O.
#include "daemon/runtime/fiber_rules.h"
#include "daemon/upstream/upstream_connection.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace llmgw::daemon {

class IdleConnections {
public:
  IdleConnections(std::size_t capacity, std::chrono::milliseconds max_idle);

  // Keeps `connection` for reuse. When `capacity` are kept already, the one idle longest
  // is closed.
  void put(std::unique_ptr<UpstreamConnection> connection);
  // The connection returned last (its TLS session and TCP window are the warmest) that
  // is still fit for a request; connections idle past max_idle or closed by the upstream
  // are closed on the way. nullptr when none is left.
  std::unique_ptr<UpstreamConnection> take();
  std::size_t size() const;
  // Closes the connections idle past max_idle now, rather than at the next put or take.
  void close_expired();

private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::unique_ptr<UpstreamConnection> connection;
    Clock::time_point since;
  };
  // Moves the entries idle past max_idle out of m_entries. REQUIRES: m_mutex held.
  void take_expired(std::vector<Entry>& expired);

  std::size_t m_capacity;
  std::chrono::milliseconds m_max_idle;
  mutable CheckedMutex m_mutex;
  std::vector<Entry> m_entries;  // oldest first
};

}  // namespace llmgw::daemon
