#pragma once
// What the client is told when an upstream fails or refuses. Upstream text is passed on
// only redacted, and never for the upstream's own auth errors: those are about llmgw's
// credential, which is the operator's business, not the client's.
#include "core/catalog.h"
#include "core/json_scan.h"
#include "core/wire/sse.h"
#include "daemon/http_error.h"
#include "daemon/upstream/upstream_error.h"
#include "daemon/upstream/upstream_pool.h"

#include <optional>
#include <string>
#include <vector>

namespace llmgw::daemon {

// 504 upstream_timeout for a timeout, else 502 upstream_unreachable.
HttpError upstream_failure(const Provider& provider, const UpstreamError& error);

// The most of an upstream's whole answer that is read: a longer one is no answer llmgw relays.
constexpr std::size_t k_max_upstream_body = 64 << 20;

// The most of an upstream's error body that is read: a longer one is dropped whole, and
// the status alone says what happened.
constexpr std::size_t k_max_error_body = 64 << 10;

// For an upstream answer of 300 or more: reads its body (at most k_max_error_body bytes)
// and maps it: 5xx → 502 upstream_error; 401/403 → 502 provider_auth_failed; 429 → 429
// rate_limited; other 4xx → the same status, upstream_error, with the upstream's message;
// a 3xx (a redirect, never followed) → 502 upstream_error. The upstream's message and its
// Retry-After pass through redact_secrets, which knows the provider's credential.
HttpError upstream_status_error(const Provider& provider, UpstreamResponse& response);

// What the provider may echo that must not reach a client: the credential llmgw sends it,
// which need not look like a key at all.
std::vector<std::string> echoable_secrets(const Provider& provider);

// For an upstream answer below 300 that carries no completion llmgw can relay: 502
// upstream_error for any status but 200 (101 Switching Protocols, 204 No Content, 205,
// and the other 2xx, which no OpenAI-compatible provider answers a completion with), and
// for a Content-Encoding other than identity (llmgw asks for none and decodes none: the
// bytes would reach the client garbled). nullopt for an answer llmgw relays.
std::optional<HttpError> unrelayable_answer(const Provider& provider,
                                            const UpstreamResponse& response);

// Whether an event of a provider's stream is error-like: its type is "error", or its data
// is not a JSON object, or is one with an "error" member (`chunk` holds the members of a
// data object, nullopt when the data is none). Those pass through redacted_error_event.
bool is_error_like(const SseEvent& event, const std::optional<std::vector<JsonMember>>& chunk);

// An error-like event, rebuilt: each of its lines but data through redact_secrets (with
// the provider's credential); its data on one "data:" line, where the first one was,
// as JSON with every string in it redacted like an error message when it is JSON,
// else through redact_secrets as text. Ends with the blank line.
std::string redacted_error_event(const Provider& provider, const SseEvent& event);

// The data of an error-like event, redacted: as JSON with every string in it redacted
// (redacted_stream_error) when it is JSON, else as a JSON string of the text through
// redact_secrets.
nlohmann::json redacted_event_data(const Provider& provider, const SseEvent& event);

// The "error" of an error event inside a provider's stream ({"error": {"message": ...}}),
// with every string in it, member names included, passed through redact_secrets like the
// message of an error body: the client has its 200 already, but the text is the
// upstream's all the same.
nlohmann::json redacted_stream_error(const Provider& provider, const nlohmann::json& error);

}  // namespace llmgw::daemon
