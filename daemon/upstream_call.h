#pragma once
// How a client request goes to one provider, by the API the provider speaks
// (ProviderKind): the path under its base URL and the header fields. An OpenAI-kind
// provider gets the credential as a Bearer token; an Anthropic-kind one gets it in
// x-api-key, with anthropic-version and the client's anthropic-beta fields.
#include "core/catalog.h"
#include "core/client_request.h"
#include "daemon/upstream_pool.h"

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

namespace llmgw::daemon {

// The Messages API version llmgw speaks to Anthropic-kind providers.
constexpr std::string_view k_anthropic_version = "2023-06-01";

// The kind of provider that serves `endpoint`'s API.
ProviderKind speaks(Endpoint endpoint);

class UpstreamCall {
public:
  // Throws HttpError 502 provider_not_configured when `provider` does not speak the API of
  // `request`'s endpoint, naming both.
  UpstreamCall(const Provider& provider, const ClientRequest& request,
               std::optional<std::string_view> credential,
               const httplib::Headers& client_headers);
  // The fields point into this object: it stays where it was made.
  UpstreamCall(const UpstreamCall&) = delete;
  UpstreamCall& operator=(const UpstreamCall&) = delete;

  std::string_view path() const { return m_path; }
  const RequestFields& headers() const { return m_headers; }

private:
  std::string_view m_path;
  std::string m_authorization;
  std::string m_beta;
  RequestFields m_headers;
};

}  // namespace llmgw::daemon
