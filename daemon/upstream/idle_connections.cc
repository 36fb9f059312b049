#include "daemon/upstream/idle_connections.h"

#include <algorithm>
#include <iterator>

namespace llmgw::daemon {

IdleConnections::IdleConnections(std::size_t capacity, std::chrono::milliseconds max_idle)
    : m_capacity(capacity), m_max_idle(max_idle) {}

void IdleConnections::take_expired(std::vector<Entry>& expired) {
  auto now = Clock::now();
  auto fresh = std::find_if(m_entries.begin(), m_entries.end(),
                            [&](const Entry& entry) { return now - entry.since < m_max_idle; });
  std::move(m_entries.begin(), fresh, std::back_inserter(expired));
  m_entries.erase(m_entries.begin(), fresh);
}

void IdleConnections::put(std::unique_ptr<UpstreamConnection> connection) {
  std::vector<Entry> closing;  // closed after the lock is released
  std::lock_guard<CheckedMutex> lock(m_mutex);
  take_expired(closing);
  if (m_entries.size() >= m_capacity && !m_entries.empty()) {
    closing.push_back(std::move(m_entries.front()));
    m_entries.erase(m_entries.begin());
  }
  if (m_capacity > 0) {
    m_entries.push_back(Entry{std::move(connection), Clock::now()});
  }
}

std::unique_ptr<UpstreamConnection> IdleConnections::take() {
  while (true) {
    std::vector<Entry> closing;
    Entry entry;
    {
      std::lock_guard<CheckedMutex> lock(m_mutex);
      take_expired(closing);
      if (m_entries.empty()) {
        return nullptr;
      }
      entry = std::move(m_entries.back());
      m_entries.pop_back();
    }
    if (entry.connection->usable_when_idle()) {
      return std::move(entry.connection);
    }
  }
}

void IdleConnections::close_expired() {
  std::vector<Entry> closing;  // closed after the lock is released
  std::lock_guard<CheckedMutex> lock(m_mutex);
  take_expired(closing);
}

std::size_t IdleConnections::size() const {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  return m_entries.size();
}

}  // namespace llmgw::daemon
