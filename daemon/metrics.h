#pragma once
// Counters for GET /metrics, in the Prometheus text format. Updates are lock-free atomics
// except the first sighting of a provider's latency histogram.
#include "core/money.h"
#include "core/usage.h"
#include "daemon/runtime/fiber_rules.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace llmgw::daemon {

class Metrics {
public:
  void request_started() { ++m_in_flight; }
  void request_finished(int status);
  std::int64_t in_flight() const { return m_in_flight.load(); }
  // The tokens of a finished request, by type (core/usage.h).
  void tokens(const UsageRecord& record);
  void cost(Money amount) { m_cost_units += amount.units(); }
  void upstream_latency(const std::string& provider, double seconds);

  std::string render() const;

private:
  static constexpr std::array<double, 12> k_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                       0.5,   1,    2.5,   5,    10,  30};
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, k_buckets.size() + 1> counts{};  // last: +Inf
    std::atomic<std::uint64_t> sum_microseconds{0};
  };

  std::atomic<std::int64_t> m_in_flight{0};
  std::array<std::atomic<std::uint64_t>, 600> m_by_status{};
  std::atomic<std::uint64_t> m_prompt_tokens{0};
  std::atomic<std::uint64_t> m_completion_tokens{0};
  std::atomic<std::uint64_t> m_cached_tokens{0};
  std::atomic<std::uint64_t> m_cache_write_tokens{0};
  std::atomic<std::uint64_t> m_reasoning_tokens{0};
  std::atomic<std::int64_t> m_cost_units{0};
  mutable CheckedMutex m_mutex;  // guards the map, not the histograms in it
  std::map<std::string, std::unique_ptr<Histogram>> m_latency;
};

}  // namespace llmgw::daemon
