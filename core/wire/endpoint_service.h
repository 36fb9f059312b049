#pragma once
// How a provider serves each of the gateway's request endpoints: in the endpoint's own API
// (passed through), translated from another API, or not at all. /v1/models and
// `llmgw key check` show it; the gateway routes by the same rules (daemon/upstream_call.h).
#include "core/catalog.h"
#include "core/wire/client_request.h"

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

namespace llmgw {

enum class Service { native, translated, none };

// The gateway's path for `endpoint`: "/v1/chat/completions", "/v1/responses", ...
std::string_view endpoint_path(Endpoint endpoint);

// The endpoint whose path is `path`, among those whose requests are logged (every one but
// count_tokens). Throws Error(invalid) listing them otherwise.
Endpoint parse_logged_endpoint(std::string_view path);
// The paths parse_logged_endpoint takes.
std::vector<std::string_view> logged_endpoint_paths();

// The built-in echo model answers every endpoint in its own API, token counts aside.
Service service(Endpoint endpoint, const Provider& provider);

// The paths of the endpoints `provider` serves, each with "native" or "translated", in the
// README's order: {"/v1/chat/completions": "native", "/v1/messages": "translated", ...}.
nlohmann::ordered_json endpoints_json(const Provider& provider);

}  // namespace llmgw
