#pragma once
// The upstream providers as the gateway reaches them: one keep-alive pool per provider
// base URL, and each provider's credential, which goes to that provider only.
#include "core/catalog.h"
#include "daemon/runtime/fiber_rules.h"
#include "daemon/upstream/upstream_pool.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace llmgw::daemon {

class Upstreams {
public:
  // Each pool keeps up to `max_idle` idle connections (see UpstreamPool).
  Upstreams(UpstreamTimeouts timeouts, TlsConfig tls, std::size_t max_idle);

  // The pool for the provider's current base URL (a new one when the operator changed
  // it). Throws HttpError 502 provider_not_configured when the URL is unusable. At most
  // once per k_sweep_interval, first closes every pool's connections idle past the idle
  // timeout: a pool no request uses would otherwise keep them (up to its capacity).
  static constexpr std::chrono::seconds k_sweep_interval{1};
  std::shared_ptr<UpstreamPool> pool(const Provider& provider);

  // The value of the provider's credential variable, where the environment holds it (the
  // daemon never changes its environment); nothing when the provider needs none (an empty
  // variable name). Throws HttpError 502 provider_not_configured when the variable is
  // unset, naming the variable, never a value.
  std::optional<std::string_view> credential(const Provider& provider) const;

private:
  UpstreamTimeouts m_timeouts;
  TlsConfig m_tls;
  std::size_t m_max_idle;
  CheckedMutex m_mutex;
  std::chrono::steady_clock::time_point m_next_sweep;
  // (provider id, base URL) pairs of strings, found with pairs of views: a lookup builds
  // no string.
  struct OriginOrder {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::tie(a.first, a.second) < std::tie(b.first, b.second);
    }
  };
  std::map<std::pair<std::string, std::string>, std::shared_ptr<UpstreamPool>, OriginOrder> m_pools;
};

// The value of the provider's credential variable in this process's environment; null
// when the provider names none or the variable is unset or empty.
const char* credential_in_environment(const Provider& provider);

// For the operator, at startup: the enabled providers of `catalog` that can be called
// (their credential is set, or they need none), and the variable each other one waits
// for. {"ready": ["echo", "openai"], "without_credential": {"anthropic": "ANTHROPIC_API_KEY"}}
nlohmann::ordered_json provider_readiness(const Catalog& catalog);

}  // namespace llmgw::daemon
