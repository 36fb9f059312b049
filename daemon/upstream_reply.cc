#include "daemon/upstream_reply.h"

#include "core/redact.h"
#include "daemon/upstreams.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmgw::daemon {

namespace {

// The upstream's error message, from {"error": {"message": ...}}, {"error": "..."} or
// {"message": ...}; "" when there is none.
std::string upstream_message(const std::string& body) {
  nlohmann::json document = nlohmann::json::parse(body, nullptr, false);
  if (!document.is_object()) {
    return "";
  }
  auto error = document.find("error");
  const nlohmann::json* holder = &document;
  if (error != document.end()) {
    if (error->is_string()) {
      return error->get<std::string>();
    }
    holder = &*error;
  }
  if (holder->is_object()) {
    auto message = holder->find("message");
    if (message != holder->end() && message->is_string()) {
      return message->get<std::string>();
    }
  }
  return "";
}

// What the provider may echo that must not get out: the credential llmgw sent it, which
// need not look like a key at all.
std::vector<std::string> echoable_secrets(const Provider& provider) {
  const char* credential = credential_in_environment(provider);
  return credential ? std::vector<std::string>{credential} : std::vector<std::string>{};
}

}  // namespace

HttpError upstream_failure(const Provider& provider, const UpstreamError& error) {
  if (error.failure() == UpstreamFailure::timeout) {
    return HttpError(504, "upstream_timeout", fmt::format("Provider {} timed out", provider.id));
  }
  return HttpError(502, "upstream_unreachable",
                   fmt::format("Could not get an answer from provider {} ({})", provider.id,
                               to_string(error.failure())));
}

HttpError upstream_status_error(const Provider& provider, UpstreamResponse& response,
                                std::size_t max_body) {
  int status = response.status();
  std::string body;
  try {
    body = response.read_all(max_body);
  } catch (const UpstreamError&) {
    body.clear();  // the status alone still says what happened
  }
  if (status == 401 || status == 403) {
    return HttpError(502, "provider_auth_failed",
                     fmt::format("Provider {} refused llmgw's credential (HTTP {})", provider.id,
                                 status));
  }
  std::vector<std::string> secrets = echoable_secrets(provider);
  std::string detail = redact_secrets(upstream_message(body), secrets);
  std::string message = fmt::format("Provider {} answered HTTP {}{}{}", provider.id, status,
                                    detail.empty() ? "" : ": ", detail);
  if (status >= 500 || status < 400) {
    return HttpError(502, "upstream_error", message);
  }
  nlohmann::json extra = nlohmann::json::object();
  if (status == 429) {
    if (auto retry = response.header("Retry-After")) {
      extra["retry_after"] = redact_secrets(*retry, secrets, 64);
    }
    return HttpError(429, "rate_limited", message, extra);
  }
  return HttpError(status, "upstream_error", message);
}

nlohmann::json redacted_stream_error(const Provider& provider, const nlohmann::json& error) {
  if (error.is_string()) {
    return redact_secrets(error.get_ref<const std::string&>(), echoable_secrets(provider));
  }
  if (!error.is_structured()) {
    return error;
  }
  nlohmann::json cleaned = error;
  for (auto& item : cleaned.items()) {
    item.value() = redacted_stream_error(provider, item.value());
  }
  return cleaned;
}

}  // namespace llmgw::daemon
