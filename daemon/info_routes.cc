// The gateway's answers that proxy nothing: the key's models and status, health, metrics.
#include "daemon/gateway.h"

#include <nlohmann/json.hpp>

namespace llmgw::daemon {

namespace {

nlohmann::ordered_json mapping_json(const Candidate& c) {
  const Mapping& m = *c.mapping;
  return {{"provider", c.provider->id},
          {"upstream_model", m.upstream_model},
          {"input_price", m.input.to_string()},
          {"output_price", m.output.to_string()},
          {"cached_input_price", m.cached_input.to_string()},
          {"context_size", m.context_size},
          {"max_output_tokens", m.max_output_tokens},
          {"streaming", m.streaming},
          {"free", m.is_free()}};
}

}  // namespace

void Gateway::models(const httplib::Request& request, httplib::Response& response) {
  Exchange exchange(request, m_metrics, m_options.access_log);
  try {
    auto key = authenticate(request, m_clock.now());
    exchange.authenticated(key, nullptr);
    auto catalog = m_keys.catalog();
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const Model& model : catalog->models()) {
      Decision decision = evaluate(key->rules, *catalog, model.id);
      if (decision.outcome != Decision::Outcome::allowed) {
        continue;
      }
      nlohmann::ordered_json providers = nlohmann::ordered_json::array();
      for (const Candidate& c : decision.candidates) {
        providers.push_back(mapping_json(c));
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

void Gateway::key_status(const httplib::Request& request, httplib::Response& response) {
  Exchange exchange(request, m_metrics, m_options.access_log);
  try {
    Timestamp now = m_clock.now();
    auto key = authenticate(request, now);
    exchange.authenticated(key, nullptr);
    // The configuration as loaded, with the usage as the daemon counts it right now.
    ApiKey current = key->key;
    KeyDirectory::Balance balance = m_keys.balance(*key, now);
    current.usage = balance.usage;
    if (current.period_limit) {
      current.period_limit->usage = balance.period_usage;
      current.period_limit->window_start = current.period_limit->window_at(now).start;
    }
    nlohmann::json body = to_json(current, now);
    body["reserved"] = balance.reserved.to_usd();
    body["rule_count"] = key->rules.size();
    response.set_content(body.dump(), "application/json");
    exchange.finish(200);
  } catch (const HttpError& e) {
    exchange.fail(e, m_options.error_format, response);
  }
}

void Gateway::ready(const httplib::Request& request, httplib::Response& response) {
  (void)request;
  bool ok = m_keys.database_ready();
  response.status = ok ? 200 : 503;
  response.set_content(ok ? R"({"status":"ready"})" : R"({"status":"database unavailable"})",
                       "application/json");
}

void Gateway::metrics(const httplib::Request& request, httplib::Response& response) {
  (void)request;
  response.set_content(m_metrics.render(), "text/plain; version=0.0.4");
}

void Gateway::reject(const httplib::Request& request, httplib::Response& response,
                     const HttpError& error) {
  Exchange exchange(request, m_metrics, m_options.access_log);
  exchange.fail(error, m_options.error_format, response);
}

}  // namespace llmgw::daemon
