#pragma once
// What the client is told when an upstream fails or refuses. Upstream text is passed on
// only redacted, and never for the upstream's own auth errors: those are about llmgw's
// credential, which is the operator's business, not the client's.
#include "core/catalog.h"
#include "daemon/http_error.h"
#include "daemon/upstream_error.h"
#include "daemon/upstream_pool.h"

namespace llmgw::daemon {

// 504 upstream_timeout for a timeout, else 502 upstream_unreachable.
HttpError upstream_failure(const Provider& provider, const UpstreamError& error);

// For an upstream answer of 300 or more: reads its body (at most `max_body` bytes) and
// maps it: 5xx → 502 upstream_error; 401/403 → 502 provider_auth_failed; 429 → 429
// rate_limited; other 4xx → the same status, upstream_error, with the upstream's message;
// a 3xx (a redirect, never followed) → 502 upstream_error. The upstream's message and its
// Retry-After pass through redact_secrets, which knows the provider's credential.
HttpError upstream_status_error(const Provider& provider, UpstreamResponse& response,
                                std::size_t max_body);

// The "error" of an error event inside a provider's stream ({"error": {"message": ...}}),
// with every string in it passed through redact_secrets like the message of an error body:
// the client has its 200 already, but the text is the upstream's all the same.
nlohmann::json redacted_stream_error(const Provider& provider, const nlohmann::json& error);

}  // namespace llmgw::daemon
