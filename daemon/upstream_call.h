#pragma once
// How a client request goes to one provider, by the API the provider speaks
// (ProviderKind): the path under its base URL, the header fields and the body. An
// OpenAI-kind provider gets the credential as a Bearer token; an Anthropic-kind one gets
// it in x-api-key, with anthropic-version and the client's anthropic-beta fields.
//
// A chat request to an Anthropic-kind provider, a Messages request to an OpenAI-kind one,
// and a Responses request to a provider that does not serve that API are translated
// (core/wire/translate/translation.h); a Responses request to an OpenAI-kind provider that
// serves it (Provider::responses) goes to {base}/responses as it is. Embeddings reach only
// OpenAI-kind providers, and token counts only Anthropic-kind ones.
#include "core/catalog.h"
#include "core/wire/client_request.h"
#include "daemon/upstream/upstream_pool.h"

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

namespace llmgw::daemon {

// The Messages API version llmgw speaks to Anthropic-kind providers.
constexpr std::string_view k_anthropic_version = "2023-06-01";

class UpstreamCall {
public:
  // Throws HttpError 502 provider_not_configured when `provider` cannot serve `request`'s
  // endpoint (naming both), and HttpError 400 invalid_request when the request has no
  // counterpart in the provider's API (naming the provider and what).
  UpstreamCall(const Provider& provider, const Mapping& mapping, const ClientRequest& request,
               std::optional<std::string_view> credential,
               const httplib::Headers& client_headers);
  // The fields point into this object: it stays where it was made.
  UpstreamCall(const UpstreamCall&) = delete;
  UpstreamCall& operator=(const UpstreamCall&) = delete;

  std::string_view path() const { return m_path; }
  const RequestFields& headers() const { return m_headers; }
  std::string_view body() const { return m_body; }

private:
  std::string_view m_path;
  std::string m_authorization;
  std::string m_beta;
  RequestFields m_headers;
  std::string m_body;
};

}  // namespace llmgw::daemon
