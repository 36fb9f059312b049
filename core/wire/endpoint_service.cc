#include "core/wire/endpoint_service.h"

#include "core/wire/echo_provider.h"
#include "core/error.h"
#include "core/wire/translate/translation.h"

#include <fmt/format.h>

namespace llmgw {

std::string_view endpoint_path(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::chat:
      return "/v1/chat/completions";
    case Endpoint::embeddings:
      return "/v1/embeddings";
    case Endpoint::messages:
      return "/v1/messages";
    case Endpoint::count_tokens:
      return "/v1/messages/count_tokens";
    case Endpoint::responses:
      return "/v1/responses";
  }
  return "";
}

namespace {

constexpr Endpoint k_logged_endpoints[] = {Endpoint::chat, Endpoint::embeddings,
                                           Endpoint::messages, Endpoint::responses};

}  // namespace

Endpoint parse_logged_endpoint(std::string_view path) {
  for (Endpoint endpoint : k_logged_endpoints) {
    if (endpoint_path(endpoint) == path) {
      return endpoint;
    }
  }
  throw_invalid(fmt::format("invalid --endpoint '{}': expected /v1/chat/completions, "
                            "/v1/embeddings, /v1/messages or /v1/responses",
                            path));
}

std::vector<std::string_view> logged_endpoint_paths() {
  std::vector<std::string_view> paths;
  for (Endpoint endpoint : k_logged_endpoints) {
    paths.push_back(endpoint_path(endpoint));
  }
  return paths;
}

Service service(Endpoint endpoint, const Provider& provider) {
  if (provider.id == k_echo_provider) {
    return endpoint == Endpoint::count_tokens ? Service::none : Service::native;
  }
  switch (endpoint) {
    case Endpoint::embeddings:
      return provider.kind == ProviderKind::openai ? Service::native : Service::none;
    case Endpoint::count_tokens:
      return provider.kind == ProviderKind::anthropic ? Service::native : Service::none;
    case Endpoint::chat:
    case Endpoint::messages:
    case Endpoint::responses:
      break;
  }
  return translates(endpoint, provider) ? Service::translated : Service::native;
}

nlohmann::ordered_json endpoints_json(const Provider& provider) {
  nlohmann::ordered_json served = nlohmann::ordered_json::object();
  for (Endpoint endpoint : {Endpoint::chat, Endpoint::embeddings, Endpoint::messages,
                            Endpoint::responses, Endpoint::count_tokens}) {
    const Service how = service(endpoint, provider);
    if (how != Service::none) {
      served[std::string(endpoint_path(endpoint))] =
          how == Service::native ? "native" : "translated";
    }
  }
  return served;
}

}  // namespace llmgw
