#include "daemon/upstream_call.h"

#include "daemon/header_scan.h"
#include "daemon/http_error.h"

#include <fmt/format.h>

namespace llmgw::daemon {

namespace {

std::string_view route_of(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::chat:
      return "/v1/chat/completions";
    case Endpoint::embeddings:
      return "/v1/embeddings";
    case Endpoint::count_tokens:
      return "/v1/messages/count_tokens";
    case Endpoint::messages:
      break;
  }
  return "/v1/messages";
}

}  // namespace

ProviderKind speaks(Endpoint endpoint) {
  return endpoint == Endpoint::messages || endpoint == Endpoint::count_tokens
             ? ProviderKind::anthropic
             : ProviderKind::openai;
}

UpstreamCall::UpstreamCall(const Provider& provider, const ClientRequest& request,
                           std::optional<std::string_view> credential,
                           const httplib::Headers& client_headers) {
  const ProviderKind wanted = speaks(request.endpoint);
  if (provider.kind != wanted) {
    throw HttpError(502, "provider_not_configured",
                    fmt::format("Provider {} is of kind {}; {} reaches only providers of kind {}",
                                provider.id, to_string(provider.kind), route_of(request.endpoint),
                                to_string(wanted)));
  }
  m_headers.reserve(5);
  m_headers.emplace_back("Content-Type", "application/json");
  m_headers.emplace_back("Accept", request.stream ? "text/event-stream" : "application/json");
  if (provider.kind == ProviderKind::openai) {
    m_path = request.endpoint == Endpoint::chat ? "/chat/completions" : "/embeddings";
    if (credential) {
      m_authorization.append("Bearer ").append(*credential);
      m_headers.emplace_back("Authorization", m_authorization);
    }
    return;
  }
  m_path = route_of(request.endpoint);
  if (credential) {
    m_headers.emplace_back("x-api-key", *credential);
  }
  m_headers.emplace_back("anthropic-version", k_anthropic_version);
  // Beta features the client asked for, in its order; repeated fields are one list.
  for_each_header(client_headers, "anthropic-beta", [this](const std::string& value) {
    m_beta.append(m_beta.empty() ? "" : ",").append(value);
    return true;
  });
  if (!m_beta.empty()) {
    m_headers.emplace_back("anthropic-beta", m_beta);
  }
}

}  // namespace llmgw::daemon
