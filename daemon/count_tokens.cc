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

void Gateway::count_tokens(const httplib::Request& request, httplib::Response& response) {
  Exchange exchange(request, m_metrics, m_options.access_log);
  try {
    auto key = authenticate(request, m_clock.now());
    exchange.authenticated(key, nullptr);  // access-logged only: nothing runs, nothing is billed
    ClientRequest body;
    try {
      body = parse_client_request(request.body, Endpoint::count_tokens);
    } catch (const Error& e) {
      throw HttpError(400, "invalid_request", e.what());
    }
    auto catalog = m_keys.catalog();
    const Decision decision = evaluate(key->rules, *catalog, body.model);
    refuse_unless_allowed(decision);
    for (const Candidate& candidate : decision.candidates) {
      if (candidate.provider->kind != speaks(Endpoint::count_tokens)) {
        continue;  // echo and OpenAI-kind providers have no count: llmgw estimates
      }
      UpstreamCall call(*candidate.provider, body, m_upstreams.credential(*candidate.provider),
                        request.headers);
      std::string text;
      std::unique_ptr<UpstreamResponse> upstream;
      try {
        upstream = m_upstreams.pool(*candidate.provider)
                       ->send("POST", call.path(), call.headers(),
                              upstream_body(body, candidate.mapping->upstream_model));
        if (upstream->status() != 200) {
          throw upstream_status_error(*candidate.provider, *upstream);
        }
        text = upstream->read_all(k_max_count_body);
      } catch (const UpstreamError& e) {
        throw upstream_failure(*candidate.provider, e);
      }
      std::optional<std::string> masked =
          SecretFragments(echoable_secrets(*candidate.provider)).masked(text);
      response.set_content(masked ? *masked : text, "application/json");
      exchange.finish(200);
      return;
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
