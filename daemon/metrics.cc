#include "daemon/metrics.h"

#include <fmt/format.h>

namespace llmgw::daemon {

void Metrics::request_finished(int status) {
  --m_in_flight;
  if (status >= 0 && status < static_cast<int>(m_by_status.size())) {
    ++m_by_status[static_cast<std::size_t>(status)];
  }
}

void Metrics::tokens(const UsageRecord& record) {
  m_prompt_tokens += static_cast<std::uint64_t>(record.prompt_tokens);
  m_completion_tokens += static_cast<std::uint64_t>(record.completion_tokens);
  m_cached_tokens += static_cast<std::uint64_t>(record.cached_tokens);
  m_cache_write_tokens +=
      static_cast<std::uint64_t>(record.cache_write_5m_tokens + record.cache_write_1h_tokens);
  m_reasoning_tokens += static_cast<std::uint64_t>(record.reasoning_tokens);
}

void Metrics::upstream_latency(const std::string& provider, double seconds) {
  Histogram* histogram = nullptr;
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    auto& slot = m_latency[provider];
    if (!slot) {
      slot = std::make_unique<Histogram>();
    }
    histogram = slot.get();
  }
  std::size_t bucket = 0;
  while (bucket < k_buckets.size() && seconds > k_buckets[bucket]) {
    ++bucket;
  }
  ++histogram->counts[bucket];
  histogram->sum_microseconds += static_cast<std::uint64_t>(seconds * 1e6);
}

std::string Metrics::render() const {
  std::string out;
  auto append = [&out](auto&&... args) { fmt::format_to(std::back_inserter(out), args...); };
  append("# HELP llmgw_requests_total Requests answered, by HTTP status.\n"
         "# TYPE llmgw_requests_total counter\n");
  for (std::size_t status = 0; status < m_by_status.size(); ++status) {
    if (std::uint64_t n = m_by_status[status].load()) {
      append("llmgw_requests_total{{status=\"{}\"}} {}\n", status, n);
    }
  }
  append("# HELP llmgw_in_flight_requests Requests being served now.\n"
         "# TYPE llmgw_in_flight_requests gauge\n"
         "llmgw_in_flight_requests {}\n",
         m_in_flight.load());
  append("# HELP llmgw_tokens_total Tokens accounted, by type.\n"
         "# TYPE llmgw_tokens_total counter\n"
         "llmgw_tokens_total{{type=\"prompt\"}} {}\n"
         "llmgw_tokens_total{{type=\"completion\"}} {}\n"
         "llmgw_tokens_total{{type=\"cached\"}} {}\n"
         "llmgw_tokens_total{{type=\"cache_write\"}} {}\n"
         "llmgw_tokens_total{{type=\"reasoning\"}} {}\n",
         m_prompt_tokens.load(), m_completion_tokens.load(), m_cached_tokens.load(),
         m_cache_write_tokens.load(), m_reasoning_tokens.load());
  append("# HELP llmgw_cost_usd_total Cost accounted, in USD (exact to 1e-12).\n"
         "# TYPE llmgw_cost_usd_total counter\n"
         "llmgw_cost_usd_total {}\n",
         Money::from_units(m_cost_units.load()).to_usd());
  append("# HELP llmgw_upstream_latency_seconds Time from sending to an upstream to its "
         "response headers.\n"
         "# TYPE llmgw_upstream_latency_seconds histogram\n");
  std::lock_guard<CheckedMutex> lock(m_mutex);
  for (const auto& [provider, histogram] : m_latency) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= k_buckets.size(); ++i) {
      cumulative += histogram->counts[i].load();
      std::string le = i < k_buckets.size() ? fmt::format("{}", k_buckets[i]) : "+Inf";
      append("llmgw_upstream_latency_seconds_bucket{{provider=\"{}\",le=\"{}\"}} {}\n", provider,
             le, cumulative);
    }
    append("llmgw_upstream_latency_seconds_sum{{provider=\"{}\"}} {}\n", provider,
           histogram->sum_microseconds.load() / 1e6);
    append("llmgw_upstream_latency_seconds_count{{provider=\"{}\"}} {}\n", provider, cumulative);
  }
  return out;
}

}  // namespace llmgw::daemon
