#include "daemon/upstreams.h"

#include "core/error.h"
#include "daemon/http_error.h"

#include <fmt/format.h>

#include <cstdlib>
#include <vector>

namespace llmgw::daemon {

Upstreams::Upstreams(UpstreamTimeouts timeouts, TlsConfig tls, std::size_t max_idle)
    : m_timeouts(timeouts), m_tls(std::move(tls)), m_max_idle(max_idle) {}

std::shared_ptr<UpstreamPool> Upstreams::pool(const Provider& provider) {
  std::vector<std::shared_ptr<UpstreamPool>> sweep;
  std::shared_ptr<UpstreamPool> found;
  {
    std::lock_guard<CheckedMutex> lock(m_mutex);
    auto now = std::chrono::steady_clock::now();
    if (now >= m_next_sweep) {
      m_next_sweep = now + k_sweep_interval;
      for (auto& [origin, pool] : m_pools) {
        sweep.push_back(pool);
      }
    }
    auto at = m_pools.find(std::pair<std::string_view, std::string_view>(provider.id, provider.base_url));
    if (at == m_pools.end()) {
      at = m_pools.emplace(std::make_pair(provider.id, provider.base_url), nullptr).first;
    }
    auto& slot = at->second;
    if (!slot) {
      try {
        slot = std::make_shared<UpstreamPool>(parse_base_url(provider.base_url), m_timeouts,
                                              m_tls, m_max_idle);
      } catch (const Error& e) {
        throw HttpError(502, "provider_not_configured",
                        fmt::format("Provider {} has an unusable base URL: {}", provider.id,
                                    e.what()));
      }
    }
    found = slot;
  }
  for (const auto& pool : sweep) {  // closing connections is no work for under the lock
    pool->close_expired_idle();
  }
  return found;
}

const char* credential_in_environment(const Provider& provider) {
  if (provider.api_key_env.empty()) {
    return nullptr;
  }
  const char* value = std::getenv(provider.api_key_env.c_str());
  return value == nullptr || *value == '\0' ? nullptr : value;
}

nlohmann::ordered_json provider_readiness(const Catalog& catalog) {
  nlohmann::ordered_json ready = nlohmann::ordered_json::array();
  nlohmann::ordered_json waiting = nlohmann::ordered_json::object();
  for (const Provider& provider : catalog.providers()) {
    if (!provider.enabled) {
      continue;
    }
    if (provider.api_key_env.empty() || credential_in_environment(provider) != nullptr) {
      ready.push_back(provider.id);
    } else {
      waiting[provider.id] = provider.api_key_env;
    }
  }
  return {{"ready", std::move(ready)}, {"without_credential", std::move(waiting)}};
}

std::optional<std::string_view> Upstreams::credential(const Provider& provider) const {
  if (provider.api_key_env.empty()) {
    return std::nullopt;
  }
  const char* value = credential_in_environment(provider);
  if (value == nullptr) {
    throw HttpError(502, "provider_not_configured",
                    fmt::format("Provider {} has no credential: set {} for llmgw serve",
                                provider.id, provider.api_key_env));
  }
  return std::string_view(value);
}

}  // namespace llmgw::daemon
