#pragma once
// Counters for GET /metrics, in the Prometheus text format. Updates are lock-free atomics
// once a series exists; finding one takes a lock. Every label value comes from the
// catalog (a provider id, a model id) or from a fixed list (a status, a reason), never
// from what a client wrote: a model the catalog does not know counts under model="".
#include "core/money.h"
#include "core/usage.h"
#include "daemon/runtime/fiber_rules.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace llmgw::daemon {

class Metrics {
public:
  void request_started() { ++m_in_flight; }
  // A finished request, by its provider and served model (empty when it reached none): its
  // status, tokens by type (core/usage.h), cost and, for a stream, time to first token.
  void request_finished(const UsageRecord& record);
  std::int64_t in_flight() const { return m_in_flight.load(); }
  // Time from sending a request to `provider` to its response head.
  void upstream_latency(const std::string& provider, double seconds);
  // `provider` failed a request: `reason` is an UpstreamFailure's name, "status_5xx"
  // (or 4xx, 3xx) for an answer of that class, or "not_configured".
  void upstream_error(const std::string& provider, const std::string& reason);
  // The request `provider` failed went on to the next candidate.
  void fallback(const std::string& provider);

  std::string render() const;

private:
  static constexpr std::array<double, 12> k_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                       0.5,   1,    2.5,   5,    10,  30};
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, k_buckets.size() + 1> counts{};  // last: +Inf
    std::atomic<std::uint64_t> sum_microseconds{0};

    void observe(double seconds);
  };
  // The requests of one provider and model.
  struct Served {
    std::array<std::atomic<std::uint64_t>, 600> by_status{};
    std::atomic<std::uint64_t> prompt_tokens{0};
    std::atomic<std::uint64_t> completion_tokens{0};
    std::atomic<std::uint64_t> cached_tokens{0};
    std::atomic<std::uint64_t> cache_write_tokens{0};
    std::atomic<std::uint64_t> reasoning_tokens{0};
    std::atomic<std::int64_t> cost_units{0};
    Histogram time_to_first_token;
  };
  // What one provider did with the requests sent to it.
  struct Upstream {
    Histogram latency;
    std::map<std::string, std::atomic<std::uint64_t>> errors;  // by reason; under m_mutex
    std::atomic<std::uint64_t> fallbacks{0};
  };
  // The series of (provider, model), made on first use.
  Served& served(const std::string& provider, const std::string& model);
  Upstream& upstream(const std::string& provider);

  std::atomic<std::int64_t> m_in_flight{0};
  mutable CheckedMutex m_mutex;  // guards the maps, not the series in them
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Served>> m_served;
  std::map<std::string, std::unique_ptr<Upstream>> m_upstreams;
};

}  // namespace llmgw::daemon
