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
// rate_limited; other 4xx → the same status, upstream_error, with the upstream's message.
HttpError upstream_status_error(const Provider& provider, UpstreamResponse& response,
                                std::size_t max_body);

}  // namespace llmgw::daemon
