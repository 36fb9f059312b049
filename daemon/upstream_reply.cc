#include "daemon/upstream_reply.h"

#include "core/redact.h"

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
  std::string detail = redact_secrets(upstream_message(body));
  std::string message = fmt::format("Provider {} answered HTTP {}{}{}", provider.id, status,
                                    detail.empty() ? "" : ": ", detail);
  if (status >= 500 || status < 400) {
    return HttpError(502, "upstream_error", message);
  }
  nlohmann::json extra = nlohmann::json::object();
  if (status == 429) {
    if (auto retry = response.header("Retry-After")) {
      extra["retry_after"] = std::string(*retry);
    }
    return HttpError(429, "rate_limited", message, extra);
  }
  return HttpError(status, "upstream_error", message);
}

}  // namespace llmgw::daemon
