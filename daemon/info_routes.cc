// The gateway's answers that proxy nothing: the key's models and status, health, metrics.
#include "daemon/gateway.h"

#include "core/catalog_json.h"
#include "core/wire/endpoint_service.h"

#include <nlohmann/json.hpp>

namespace llmgw::daemon {

namespace {

// A provider's offer of the model: the catalog's mapping, whether it is free, and the
// endpoints that reach it (natively or translated).
nlohmann::json offer_json(const Candidate& c) {
  nlohmann::json offer = to_json(*c.mapping);
  offer["free"] = c.mapping->is_free();
  offer["endpoints"] = endpoints_json(*c.provider);
  return offer;
}

}  // namespace

void Gateway::models(const httplib::Request& request, Response& response) {
  Exchange exchange(request, response, m_metrics, m_options.access_log);
  try {
    auto key = authenticate(request, m_clock.now());
    exchange.authenticated(key);
    auto catalog = m_keys.catalog();
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const Model& model : catalog->models()) {
      Decision decision = evaluate(key->rules, *catalog, model.id);
      if (decision.outcome != Decision::Outcome::allowed) {
        continue;
      }
      nlohmann::json providers = nlohmann::json::array();
      for (const Candidate& c : decision.candidates) {
        providers.push_back(offer_json(c));
      }
      data.push_back({{"id", model.id},
                      {"object", "model"},
                      {"created", 0},
                      {"owned_by", decision.candidates.front().provider->id},
                      {"name", model.name},
                      {"providers", std::move(providers)}});
    }
    response.set_content(nlohmann::ordered_json{{"object", "list"}, {"data", std::move(data)}}.dump(),
                         "application/json");
    exchange.finish(200);
  } catch (const HttpError& e) {
    exchange.fail(e, m_options.error_format, response);
  }
}

void Gateway::key_status(const httplib::Request& request, Response& response) {
  Exchange exchange(request, response, m_metrics, m_options.access_log);
  try {
    Timestamp now = m_clock.now();
    auto key = authenticate(request, now);
    exchange.authenticated(key);
    // The configuration as loaded, with the usage as the daemon counts it right now.
    ApiKey current = key->key;
    KeyDirectory::Balance balance = m_keys.balance(*key, now);
    current.usage = balance.usage;
    current.last_used_at = balance.last_used_at;
    if (current.period_limit) {
      current.period_limit->usage = balance.period_usage;
      current.period_limit->window_start = current.period_limit->window_at(now).start;
    }
    nlohmann::json body = to_json(current, now);
    body["reserved"] = balance.reserved.to_usd();
    body["rule_count"] = key->rules.size();
    // The parts of the prompt and completion counts, as the request log has them.
    const UsageTotals logged = m_keys.committed_usage(current.id);
    body["tokens"] = {{"prompt", logged.prompt_tokens},
                      {"completion", logged.completion_tokens},
                      {"cached", logged.cached_tokens},
                      {"cache_write", logged.cache_write_tokens},
                      {"reasoning", logged.reasoning_tokens}};
    response.set_content(body.dump(), "application/json");
    exchange.finish(200);
  } catch (const HttpError& e) {
    exchange.fail(e, m_options.error_format, response);
  }
}

void Gateway::ready(const httplib::Request& request, Response& response) {
  (void)request;
  bool ok = m_keys.database_ready();
  response.status = ok ? 200 : 503;
  response.set_content(ok ? R"({"status":"ready"})" : R"({"status":"database unavailable"})",
                       "application/json");
}

void Gateway::metrics(const httplib::Request& request, Response& response) {
  (void)request;
  response.set_content(m_metrics.render(), "text/plain; version=0.0.4");
}

void Gateway::reject(const httplib::Request& request, Response& response,
                     const HttpError& error) {
  Exchange exchange(request, response, m_metrics, m_options.access_log);
  exchange.fail(error, m_options.error_format, response);
}

}  // namespace llmgw::daemon
