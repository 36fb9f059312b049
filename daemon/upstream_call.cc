#include "daemon/upstream_call.h"

#include "core/wire/endpoint_service.h"
#include "core/error.h"
#include "core/wire/translate/chat_request_to_messages.h"
#include "core/wire/translate/messages_request_to_chat.h"
#include "core/wire/translate/responses_request_to_chat.h"
#include "core/wire/translate/translation.h"
#include "daemon/http/header_scan.h"
#include "daemon/http_error.h"

#include <fmt/format.h>

namespace llmgw::daemon {

namespace {

std::string messages_body(const ClientRequest& chat, const Mapping& mapping) {
  return messages_request_from_chat(
      chat, mapping.upstream_model,
      mapping.max_output_tokens > 0 ? std::optional(mapping.max_output_tokens) : std::nullopt);
}

std::string body_for(const Provider& provider, const Mapping& mapping,
                     const ClientRequest& request) {
  if (!translates(request.endpoint, provider)) {
    return upstream_body(request, mapping.upstream_model);
  }
  try {
    switch (request.endpoint) {
      case Endpoint::chat:
        return messages_body(request, mapping);
      case Endpoint::messages:
        return chat_request_from_messages(request, mapping.upstream_model);
      default: {
        std::string chat = chat_request_from_responses(request, mapping.upstream_model);
        if (provider.kind == ProviderKind::openai) {
          return chat;
        }
        return messages_body(parse_client_request(chat, Endpoint::chat), mapping);
      }
    }
  } catch (const Error& e) {
    throw HttpError(400, "invalid_request",
                    fmt::format("Provider {} speaks the {} API: {}", provider.id,
                                provider.kind == ProviderKind::anthropic ? "Messages" : "chat",
                                e.what()));
  }
}

}  // namespace

UpstreamCall::UpstreamCall(const Provider& provider, const Mapping& mapping,
                           const ClientRequest& request,
                           std::optional<std::string_view> credential,
                           const httplib::Headers& client_headers) {
  if (service(request.endpoint, provider) == Service::none) {
    // Served by one kind alone: the other one.
    const ProviderKind wanted =
        provider.kind == ProviderKind::openai ? ProviderKind::anthropic : ProviderKind::openai;
    throw HttpError(502, "provider_not_configured",
                    fmt::format("Provider {} is of kind {}; {} reaches only providers of kind {}",
                                provider.id, to_string(provider.kind),
                                endpoint_path(request.endpoint), to_string(wanted)));
  }
  m_body = body_for(provider, mapping, request);
  m_headers.reserve(5);
  m_headers.emplace_back("Content-Type", "application/json");
  m_headers.emplace_back("Accept", request.stream ? "text/event-stream" : "application/json");
  if (provider.kind == ProviderKind::openai) {
    m_path = request.endpoint == Endpoint::embeddings ? "/embeddings"
             : request.endpoint == Endpoint::responses && provider.responses
                 ? "/responses"
                 : "/chat/completions";
    if (credential) {
      m_authorization.append("Bearer ").append(*credential);
      m_headers.emplace_back("Authorization", m_authorization);
    }
    return;
  }
  m_path = request.endpoint == Endpoint::count_tokens ? "/v1/messages/count_tokens"
                                                       : "/v1/messages";
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
