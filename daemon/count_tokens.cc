// POST /v1/messages/count_tokens (Gateway::count_tokens, daemon/gateway.h).
#include "core/error.h"
#include "core/logged_string.h"
#include "core/redact.h"
#include "daemon/gateway.h"
#include "daemon/upstream_call.h"
#include "daemon/upstream_reply.h"

#include <nlohmann/json.hpp>

namespace llmgw::daemon {

namespace {

// A count answer is a small JSON object; a larger body is no count.
constexpr std::size_t k_max_count_body = 64 << 10;

// llmgw's own count: a token for each 4 bytes of what the model reads (every member but
// `model`), as the echo model counts.
std::int64_t local_count(const ClientRequest& body) {
  std::size_t bytes = 0;
  for (const JsonMember& m : body.members) {
    if (m.key != "model") {
      bytes += m.key_text.size() + m.value.text.size() + 2;
    }
  }
  return estimate_tokens(bytes);
}

}  // namespace

void Gateway::count_tokens(const httplib::Request& request, Response& response) {
  Exchange exchange(request, response, m_metrics, m_options.access_log);
  try {
    const Timestamp now = m_clock.now();
    auto key = authenticate(request, now);
    exchange.authenticated(key);  // access-logged only: nothing runs, nothing is billed
    refuse_if_spent(*key, now);  // as every request to a provider is
    ClientRequest body;
    try {
      body = parse_client_request(request.body, Endpoint::count_tokens);
    } catch (const Error& e) {
      throw HttpError(400, "invalid_request", e.what());
    }
    auto catalog = m_keys.catalog();
    const Decision decision = evaluate(key->rules, *catalog, body.model);
    refuse_unless_allowed(decision);
    std::optional<HttpError> last_failure;
    for (const Candidate& candidate : decision.candidates) {
      if (candidate.provider->kind != ProviderKind::anthropic) {
        continue;  // echo and OpenAI-kind providers have no count: llmgw estimates
      }
      const Provider& provider = *candidate.provider;
      std::unique_ptr<UpstreamResponse> upstream;
      try {
        UpstreamCall call(provider, *candidate.mapping, body, m_upstreams.credential(provider),
                          request.headers);
        upstream = m_upstreams.pool(provider)->send("POST", call.path(), call.headers(),
                                                    call.body());
      } catch (const HttpError& e) {
        last_failure = e;  // this provider is not configured: the next one may be
        continue;
      } catch (const UpstreamError& e) {
        last_failure = upstream_failure(provider, e);
        if (e.nothing_sent_upstream()) {
          continue;
        }
        throw *last_failure;
      }
      if (upstream->status() >= 500) {
        last_failure = upstream_status_error(provider, *upstream);
        continue;
      }
      if (upstream->status() >= 300) {
        throw upstream_status_error(provider, *upstream);
      }
      if (auto refusal = unrelayable_answer(provider, *upstream)) {
        throw *refusal;
      }
      std::string text;
      try {
        text = upstream->read_all(k_max_count_body);
      } catch (const UpstreamError& e) {
        throw upstream_failure(provider, e);
      }
      std::optional<std::string> masked = SecretFragments(echoable_secrets(provider)).masked(text);
      response.set_content(masked ? *masked : text, "application/json");
      exchange.finish(200);
      return;
    }
    if (last_failure) {
      throw *last_failure;  // the providers that count could not be reached
    }
    response.set_content(
        nlohmann::json{{"input_tokens", local_count(body)}, {"estimated", true}}.dump(),
        "application/json");
    exchange.finish(200);
  } catch (const HttpError& e) {
    exchange.fail(e, m_options.error_format, response);
  }
}

}  // namespace llmgw::daemon
