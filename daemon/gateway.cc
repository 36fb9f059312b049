#include "daemon/gateway.h"

#include "core/wire/anthropic_usage.h"
#include "core/wire/cost_bound.h"
#include "core/wire/echo_provider.h"
#include "core/error.h"
#include "core/logged_string.h"
#include "core/redact.h"
#include "core/refusal.h"
#include "core/wire/responses_answer.h"
#include "core/wire/token_usage.h"
#include "core/wire/translate/responses_request_to_chat.h"
#include "core/wire/translate/translation.h"
#include "core/wire/unpriced_features.h"
#include "daemon/credentials.h"
#include "daemon/runtime/event_log.h"
#include "daemon/http/header_scan.h"
#include "daemon/stream_relay.h"
#include "daemon/upstream_call.h"
#include "daemon/upstream_reply.h"

#include <fmt/format.h>

#include <algorithm>

namespace llmgw::daemon {

namespace {

std::int64_t unix_seconds(Timestamp t) {
  return t / k_ms_per_second;
}

// A limited key's requests are refused what no bound covers: its reservation could not
// hold what the provider bills.
bool has_spending_limit(const ApiKey& key) {
  return key.usage_limit || key.period_limit;
}

// A request the provider had, whose answer llmgw gave up on, is billed the most it could
// cost (its reservation), flagged estimated: the provider may have run it whole.
void bill_bound(UsageRecord& record, const ClientRequest& request, const Mapping& mapping) {
  record.prompt_tokens = request.prompt_tokens_estimate;
  record.cost = cost_bound(request, mapping);
  record.estimated = Flag::yes;
}

// The usage of a whole answer, in the wire format of its provider's kind (or of the
// Responses API, where it went to the provider as it is), and whether it reports what
// llmgw does not price (AnthropicUsage::has_unpriced, has_provider_tool_call).
struct AnswerUsage {
  std::optional<TokenUsage> tokens;
  bool unpriced = false;
};

AnswerUsage usage_in_answer(const std::vector<JsonMember>& answer, Endpoint endpoint,
                            const Provider& provider) {
  if (endpoint == Endpoint::responses && !translates(endpoint, provider)) {
    return {usage_among(answer, k_responses_usage), has_provider_tool_call(answer)};
  }
  if (provider.kind != ProviderKind::anthropic) {
    return {usage_among(answer), false};
  }
  AnthropicUsage usage;
  usage.add_from(answer);
  return {usage.total(), usage.has_unpriced()};
}

// The id llmgw gives an answer it makes or translates: `prefix` and the request's own.
std::string answer_id(const Exchange& exchange, std::string_view prefix) {
  return std::string(prefix) + exchange.request_id().substr(4);
}

// What a translated answer says of itself. A Responses client's response gets an id of
// llmgw's, logged as any response's: continuing it is refused (no stored state), reading
// it finds no provider that keeps it.
TranslatedAnswer shown_answer(Exchange& exchange, const ClientRequest& request,
                              const Provider& provider, Timestamp now) {
  TranslatedAnswer shown;
  shown.created = unix_seconds(now);
  shown.include_usage = request.include_usage;
  if (request.endpoint == Endpoint::responses && translates(request.endpoint, provider)) {
    shown.response_id = answer_id(exchange, "resp_");
    shown.tool_namespaces = tool_namespaces(request);
    exchange.record().response_id = shown.response_id;
  }
  return shown;
}

}  // namespace

Gateway::Gateway(const ServeOptions& options)
    : m_options(options),
      m_keys(options.db_path),
      m_upstreams(UpstreamTimeouts{options.upstream_connect_timeout, options.upstream_read_timeout},
                  TlsConfig{options.ca_file}, options.threads),
      m_accountant(options.db_path, m_keys) {}

std::shared_ptr<const KeyConfig> Gateway::authenticate(const httplib::Request& request,
                                                       Timestamp now) {
  std::string secret = presented_secret(request.headers);
  m_keys.refresh();
  std::shared_ptr<const KeyConfig> config = m_keys.find(secret);
  if (!config) {
    throw HttpError(401, "invalid_api_key", "Invalid API key");
  }
  if (auto refusal = status_refusal(config->key, now)) {
    throw HttpError(refusal->status, refusal->code, refusal->message);
  }
  if (auto refusal = address_refusal(config->rules, request.remote_addr)) {
    throw HttpError(refusal->status, refusal->code, refusal->message, refusal->extra);
  }
  return config;
}

void Gateway::refuse_unless_allowed(const Decision& decision) {
  if (decision.outcome == Decision::Outcome::unknown_model) {
    throw HttpError(400, "model_not_found", decision.reason);
  }
  if (decision.outcome != Decision::Outcome::allowed) {
    nlohmann::json extra = nlohmann::json::object();
    if (!decision.rule_ids.empty()) {
      extra["rule_id"] = decision.rule_ids.front();
    }
    throw HttpError(403, "permission_denied", "Access denied: " + decision.reason, extra);
  }
}

Money Gateway::estimate(const ClientRequest& request, const Decision& decision,
                        const ApiKey& key) const {
  Money most;
  for (const Candidate& c : decision.candidates) {
    if (has_spending_limit(key)) {
      if (auto why = unbounded_output(request, *c.mapping, c.model->id)) {
        throw HttpError(400, "invalid_request", *why);
      }
    }
    try {
      most = std::max(most, cost_bound(request, *c.mapping));
    } catch (const Error& e) {
      throw HttpError(400, "invalid_request", e.what());
    }
  }
  return most;
}

void Gateway::pin_to_maker(const ClientRequest& request, const KeyConfig& key,
                           Decision& decision) {
  const std::string& id = *request.previous_response_id;
  const std::optional<KeyDirectory::ResponseMaker> maker = m_keys.response_maker(id);
  if (!maker || maker->key_id != key.key.id) {
    throw HttpError(404, "not_found",
                    fmt::format("Previous response with id '{}' not found", logged_string(id)));
  }
  auto held = std::find_if(decision.candidates.begin(), decision.candidates.end(),
                           [&maker](const Candidate& c) { return c.provider->id == maker->provider; });
  if (held == decision.candidates.end()) {
    throw HttpError(400, "invalid_request",
                    fmt::format("Previous response '{}' is held by provider {}, which does not "
                                "serve model {} for this key",
                                logged_string(id), maker->provider, request.model));
  }
  decision.candidates = {*held};
}

void Gateway::completion(const httplib::Request& request, Response& response,
                         ClientConnection* connection, Endpoint endpoint) {
  auto owner = std::make_shared<Exchange>(request, response, m_metrics, m_options.access_log);
  Exchange& exchange = *owner;
  try {
    Timestamp now = m_clock.now();
    auto key = authenticate(request, now);
    exchange.authenticated(key, m_accountant, connection);
    ClientRequest body;
    try {
      body = parse_client_request(request.body, endpoint);
    } catch (const Error& e) {
      throw HttpError(400, "invalid_request", e.what());
    }
    exchange.record().requested_model = logged_string(body.model);
    if (has_spending_limit(key->key)) {
      if (!body.unbounded && body.endpoint == Endpoint::messages) {
        for_each_header(request.headers, "anthropic-beta", [&body](const std::string& betas) {
          body.unbounded = unpriced_beta(betas);
          return !body.unbounded;
        });
      }
      if (body.unbounded) {
        throw HttpError(400, "invalid_request", *body.unbounded);
      }
    }
    exchange.record().streamed = body.stream ? Flag::yes : Flag::no;
    if (!body.stream) {
      exchange.announce();
    }
    auto catalog = m_keys.catalog();
    Decision decision = evaluate(key->rules, *catalog, body.model);
    bool allowed = decision.outcome == Decision::Outcome::allowed;
    if (allowed && body.previous_response_id) {
      pin_to_maker(body, *key, decision);
    }
    const Money most = allowed ? estimate(body, decision, key->key) : Money();
    // Rates, then budgets, then IAM: a pass dropped by a refusal gives back what it took.
    TrafficPass pass = m_traffic.admit(key->key, estimated_tokens(request.body.size()), response);
    exchange.reserved(m_keys.admit(*key, most, now));
    refuse_unless_allowed(decision);
    set_rate_headers(response, pass.rates());
    exchange.admitted(std::move(pass));
    forward(exchange, body, std::move(catalog), decision, request.headers, response, owner);
  } catch (const HttpError& e) {
    exchange.fail(e, m_options.error_format, response);
  } catch (const std::exception& e) {
    fail_internally(exchange, request, e, response);
  }
}

void Gateway::fail_internally(Exchange& exchange, const httplib::Request& request,
                              const std::exception& error, Response& response) {
  log_event(LogLevel::error, "handler_exception",
            {{"path", logged_string(request.path)}, {"error", logged_string(error.what())}});
  exchange.fail(HttpError(500, "internal_error", "Internal error"), m_options.error_format,
                response);
}

void Gateway::forward(Exchange& exchange, ClientRequest& request,
                      std::shared_ptr<const Catalog> catalog, const Decision& decision,
                      const httplib::Headers& client_headers,
                      Response& response, std::shared_ptr<Exchange> owner) {
  std::optional<HttpError> last_failure;
  const Provider* failed = nullptr;  // the provider the last candidate's failure was of
  for (const Candidate& candidate : decision.candidates) {
    if (failed != nullptr) {
      m_metrics.fallback(failed->id);
    }
    failed = candidate.provider;  // until it answers
    UsageRecord& record = exchange.record();
    record.provider = candidate.provider->id;
    record.served_model = candidate.model->id;
    if (candidate.provider->id == k_echo_provider) {
      answer_with_echo(exchange, request, candidate, response, owner);
      return;
    }
    std::unique_ptr<UpstreamResponse> upstream;
    try {
      UpstreamCall call(*candidate.provider, *candidate.mapping, request,
                        m_upstreams.credential(*candidate.provider), client_headers);
      auto pool = m_upstreams.pool(*candidate.provider);
      auto sent = std::chrono::steady_clock::now();
      upstream = pool->send("POST", call.path(), call.headers(), call.body());
      m_metrics.upstream_latency(
          candidate.provider->id,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count());
    } catch (const HttpError& e) {
      m_metrics.upstream_error(candidate.provider->id, "not_configured");
      last_failure = e;  // this provider is not configured: the next one may be
      continue;
    } catch (const UpstreamError& e) {
      m_metrics.upstream_error(candidate.provider->id, to_string(e.failure()));
      last_failure = upstream_failure(*candidate.provider, e);
      if (e.nothing_sent_upstream()) {
        continue;
      }
      if (e.answer_given_up()) {
        bill_bound(exchange.record(), request, *candidate.mapping);
      }
      throw *last_failure;
    }
    if (upstream->status() >= 300) {
      m_metrics.upstream_error(candidate.provider->id,
                               fmt::format("status_{}xx", std::min(upstream->status(), 599) / 100));
    }
    if (upstream->status() >= 500) {
      last_failure = upstream_status_error(*candidate.provider, *upstream);
      continue;  // nothing was sent to the client yet: the next candidate may serve it
    }
    if (upstream->status() >= 300) {
      throw upstream_status_error(*candidate.provider, *upstream);
    }
    if (auto refusal = unrelayable_answer(*candidate.provider, *upstream)) {
      // The provider may have run the request, with usage llmgw cannot read: no fallback.
      bill_bound(exchange.record(), request, *candidate.mapping);
      throw *refusal;
    }
    if (request.stream) {
      auto relay = std::make_shared<StreamRelay>(
          std::move(owner), std::move(upstream), std::move(catalog), *candidate.mapping, request,
          stream_translation(request.endpoint, *candidate.provider,
                             shown_answer(exchange, request, *candidate.provider, m_clock.now())),
          m_aborting);
      response.status = 200;
      response.set_header("Cache-Control", "no-cache");
      response.stream(
          "text/event-stream", [relay](httplib::DataSink& sink) { return relay->pump(sink); },
          [relay](bool) { relay->release(); });
      return;
    }
    relay_whole(exchange, candidate, request, *upstream, response);
    return;
  }
  throw last_failure ? *last_failure
                     : HttpError(403, "permission_denied",
                                 "Access denied: No providers are allowed for model " +
                                     request.model + " due to IAM rules");
}

void Gateway::relay_whole(Exchange& exchange, const Candidate& candidate,
                          const ClientRequest& request, UpstreamResponse& upstream,
                          Response& response) {
  std::string body;
  try {
    body = upstream.read_all(k_max_upstream_body);
  } catch (const UpstreamError& e) {
    m_metrics.upstream_error(candidate.provider->id, to_string(e.failure()));
    // A whole answer's head comes once it is generated: the provider bills it, whether
    // llmgw gave up on its body or the provider cut it off.
    bill_bound(exchange.record(), request, *candidate.mapping);
    throw upstream_failure(*candidate.provider, e);
  }
  UsageRecord& record = exchange.record();
  const auto answer = json_object_members(body, k_max_response_depth);
  if (!answer) {
    // Not a completion a client can read (empty, a proxy's HTML page, a cut-off text): the
    // provider may have run the request, and its usage cannot be read.
    bill_bound(record, request, *candidate.mapping);
    throw HttpError(502, "upstream_error",
                    fmt::format("Provider {} answered HTTP 200 with a body that is not a JSON "
                                "object",
                                candidate.provider->id));
  }
  const AnswerUsage reported = usage_in_answer(*answer, request.endpoint, *candidate.provider);
  if (request.endpoint == Endpoint::responses && !translates(request.endpoint, *candidate.provider)) {
    record.response_id = response_id(*answer);  // the key that made it may continue it
  }
  std::optional<TokenUsage> usage = reported.tokens;
  if (!usage) {
    // Never less than the provider bills: the prompt bound, and a token for each byte of
    // the answer, which holds the generated text, up to the most output it can be billed.
    const std::optional<std::int64_t> bound = output_tokens_bound(request, *candidate.mapping);
    usage = TokenUsage{request.prompt_tokens_estimate, estimated_output(body.size(), bound), 0};
    record.estimated = Flag::yes;
  }
  record_tokens(record, *usage);
  try {
    record.cost = cost_of(*candidate.mapping, *usage);
    if (reported.unpriced) {
      // Server tools or extra iterations, billed besides the tokens: at least the bound.
      record.cost = std::max(record.cost, cost_bound(request, *candidate.mapping));
      record.estimated = Flag::yes;
    }
  } catch (const Error&) {
    // More than Money holds: the request is billed the most it could cost (which fit when
    // it was admitted), and the client gets no answer whose cost is unknown.
    record.cost = cost_bound(request, *candidate.mapping);
    record.estimated = Flag::yes;
    throw HttpError(502, "upstream_error",
                    fmt::format("Provider {} reported usage that costs more than llmgw can count",
                                candidate.provider->id));
  }
  if (translates(request.endpoint, *candidate.provider)) {
    std::optional<std::string> translated =
        translated_answer(request.endpoint, *candidate.provider, body,
                          shown_answer(exchange, request, *candidate.provider, m_clock.now()));
    if (!translated) {
      // Billed as read above: the provider ran the request.
      throw HttpError(502, "upstream_error",
                      fmt::format("Provider {} answered HTTP 200 with no completion to translate",
                                  candidate.provider->id));
    }
    body = std::move(*translated);
  }
  exchange.finish(200);  // committed before the client sees the body
  response.status = 200;
  // An answer may echo the provider's credential, as a stream event may.
  std::optional<std::string> masked =
      SecretFragments(echoable_secrets(*candidate.provider)).masked(body);
  response.body = masked ? std::move(*masked) : std::move(body);  // set_content() would copy
  response.set_header("Content-Type", "application/json");
}

void Gateway::answer_with_echo(Exchange& exchange, ClientRequest& request,
                               const Candidate& candidate, Response& response,
                               std::shared_ptr<Exchange> owner) {
  const std::string id_prefix = request.endpoint == Endpoint::messages    ? "msg_"
                                : request.endpoint == Endpoint::responses ? "resp_"
                                                                          : "chatcmpl-";
  const std::string id = answer_id(exchange, id_prefix);
  EchoAnswer answer = echo_answer(request, id, unix_seconds(m_clock.now()));
  UsageRecord& record = exchange.record();
  if (request.endpoint == Endpoint::responses) {
    record.response_id = id;  // continued by its key alone, as any provider's
  }
  record.prompt_tokens = answer.prompt_tokens;
  record.completion_tokens = answer.completion_tokens;
  record.cost = cost_of(*candidate.mapping, TokenUsage{answer.prompt_tokens, answer.completion_tokens, 0});
  response.status = 200;
  if (!request.stream) {
    exchange.finish(200);
    response.set_content(answer.body, "application/json");
    return;
  }
  record.ttft_ms = exchange.elapsed_ms();
  auto events = std::make_shared<std::vector<std::string>>(std::move(answer.events));
  response.set_header("Cache-Control", "no-cache");
  response.stream(
      "text/event-stream", [owner, events, next = std::size_t{0}](httplib::DataSink& sink) mutable {
        if (next + 1 < events->size()) {
          const std::string& e = (*events)[next++];
          if (!sink.write(e.data(), e.size())) {
            owner->record().cancelled = Flag::yes;
            owner->finish(499, "client_closed_request");
            return false;
          }
          return true;
        }
        owner->finish(200);  // committed before the client sees the end of the stream
        const std::string& done = events->back();
        sink.write(done.data(), done.size());
        sink.done();
        return true;
      });
}

}  // namespace llmgw::daemon
