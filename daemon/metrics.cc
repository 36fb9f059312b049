#include "daemon/metrics.h"

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>

#include <iterator>

namespace llmgw::daemon {

namespace {

// A label value as the text format writes it: backslash, quote and newline escaped.
std::string label(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace

void Metrics::Histogram::observe(double seconds) {
  std::size_t bucket = 0;
  while (bucket < k_buckets.size() && seconds > k_buckets[bucket]) {
    ++bucket;
  }
  ++counts[bucket];
  sum_microseconds += static_cast<std::uint64_t>(seconds * 1e6);
}

Metrics::Served& Metrics::served(const std::string& provider, const std::string& model) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  auto& slot = m_served[{provider, model}];
  if (!slot) {
    slot = std::make_unique<Served>();
  }
  return *slot;
}

Metrics::Upstream& Metrics::upstream(const std::string& provider) {
  std::lock_guard<CheckedMutex> lock(m_mutex);
  auto& slot = m_upstreams[provider];
  if (!slot) {
    slot = std::make_unique<Upstream>();
  }
  return *slot;
}

void Metrics::request_finished(const UsageRecord& record) {
  --m_in_flight;
  Served& series = served(record.provider, record.served_model);
  if (record.status >= 0 && record.status < static_cast<int>(series.by_status.size())) {
    ++series.by_status[static_cast<std::size_t>(record.status)];
  }
  series.prompt_tokens += static_cast<std::uint64_t>(record.prompt_tokens);
  series.completion_tokens += static_cast<std::uint64_t>(record.completion_tokens);
  series.cached_tokens += static_cast<std::uint64_t>(record.cached_tokens);
  series.cache_write_tokens +=
      static_cast<std::uint64_t>(record.cache_write_5m_tokens + record.cache_write_1h_tokens);
  series.reasoning_tokens += static_cast<std::uint64_t>(record.reasoning_tokens);
  series.cost_units += record.cost.units();
  if (record.ttft_ms) {
    series.time_to_first_token.observe(static_cast<double>(*record.ttft_ms) / 1000);
  }
}

void Metrics::upstream_latency(const std::string& provider, double seconds) {
  upstream(provider).latency.observe(seconds);
}

void Metrics::upstream_error(const std::string& provider, const std::string& reason) {
  Upstream& series = upstream(provider);
  std::lock_guard<CheckedMutex> lock(m_mutex);
  ++series.errors[reason];
}

void Metrics::fallback(const std::string& provider) {
  ++upstream(provider).fallbacks;
}

std::string Metrics::render() const {
  std::string out;
  auto append = [&out](auto&&... args) { fmt::format_to(std::back_inserter(out), args...); };
  auto histogram = [&append](const std::string& name, const std::string& labels,
                             const Histogram& h) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= k_buckets.size(); ++i) {
      cumulative += h.counts[i].load();
      std::string le = i < k_buckets.size() ? fmt::format("{}", k_buckets[i]) : "+Inf";
      append("{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, le, cumulative);
    }
    append("{}_sum{{{}}} {}\n", name, labels, h.sum_microseconds.load() / 1e6);
    append("{}_count{{{}}} {}\n", name, labels, cumulative);
  };
  append("# HELP llmgw_build_info The running llmgw's version and SQLite's.\n"
         "# TYPE llmgw_build_info gauge\n"
         "llmgw_build_info{{version=\"{}\",sqlite=\"{}\"}} 1\n",
         LLMGW_VERSION, SQLite::getLibVersion());
  append("# HELP llmgw_in_flight_requests Requests being served now.\n"
         "# TYPE llmgw_in_flight_requests gauge\n"
         "llmgw_in_flight_requests {}\n",
         m_in_flight.load());
  std::lock_guard<CheckedMutex> lock(m_mutex);
  append("# HELP llmgw_requests_total Requests answered, by provider, model (empty when "
         "none served it) and HTTP status.\n"
         "# TYPE llmgw_requests_total counter\n");
  for (const auto& [names, series] : m_served) {
    for (std::size_t status = 0; status < series->by_status.size(); ++status) {
      if (std::uint64_t n = series->by_status[status].load()) {
        append("llmgw_requests_total{{provider=\"{}\",model=\"{}\",status=\"{}\"}} {}\n",
               label(names.first), label(names.second), status, n);
      }
    }
  }
  append("# HELP llmgw_tokens_total Tokens accounted, by provider, model and type.\n"
         "# TYPE llmgw_tokens_total counter\n");
  for (const auto& [names, series] : m_served) {
    const std::pair<const char*, std::uint64_t> types[] = {
        {"prompt", series->prompt_tokens.load()},
        {"completion", series->completion_tokens.load()},
        {"cached", series->cached_tokens.load()},
        {"cache_write", series->cache_write_tokens.load()},
        {"reasoning", series->reasoning_tokens.load()}};
    for (const auto& [type, n] : types) {
      append("llmgw_tokens_total{{provider=\"{}\",model=\"{}\",type=\"{}\"}} {}\n",
             label(names.first), label(names.second), type, n);
    }
  }
  append("# HELP llmgw_cost_usd_total Cost accounted, in USD (exact to 1e-12), by provider "
         "and model.\n"
         "# TYPE llmgw_cost_usd_total counter\n");
  for (const auto& [names, series] : m_served) {
    append("llmgw_cost_usd_total{{provider=\"{}\",model=\"{}\"}} {}\n", label(names.first),
           label(names.second), Money::from_units(series->cost_units.load()).to_usd());
  }
  append("# HELP llmgw_time_to_first_token_seconds Time from a stream's request to its first "
         "event, by provider and model.\n"
         "# TYPE llmgw_time_to_first_token_seconds histogram\n");
  for (const auto& [names, series] : m_served) {
    if (!names.first.empty()) {  // a request that reached no provider streamed nothing
      histogram("llmgw_time_to_first_token_seconds",
                fmt::format("provider=\"{}\",model=\"{}\"", label(names.first),
                            label(names.second)),
                series->time_to_first_token);
    }
  }
  append("# HELP llmgw_upstream_latency_seconds Time from sending to an upstream to its "
         "response headers.\n"
         "# TYPE llmgw_upstream_latency_seconds histogram\n");
  for (const auto& [provider, series] : m_upstreams) {
    histogram("llmgw_upstream_latency_seconds", fmt::format("provider=\"{}\"", label(provider)),
              series->latency);
  }
  append("# HELP llmgw_upstream_errors_total Requests a provider failed, by reason: connect, "
         "tls, timeout, reset, protocol, too_large, status_4xx, status_5xx, not_configured.\n"
         "# TYPE llmgw_upstream_errors_total counter\n");
  for (const auto& [provider, series] : m_upstreams) {
    for (const auto& [reason, n] : series->errors) {
      append("llmgw_upstream_errors_total{{provider=\"{}\",reason=\"{}\"}} {}\n", label(provider),
             label(reason), n.load());
    }
  }
  append("# HELP llmgw_fallbacks_total Requests a provider failed that went on to the next "
         "candidate.\n"
         "# TYPE llmgw_fallbacks_total counter\n");
  for (const auto& [provider, series] : m_upstreams) {
    append("llmgw_fallbacks_total{{provider=\"{}\"}} {}\n", label(provider),
           series->fallbacks.load());
  }
  return out;
}

}  // namespace llmgw::daemon
