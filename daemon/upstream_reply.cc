#include "daemon/upstream_reply.h"

#include "core/json_check.h"
#include "core/redact.h"
#include "core/wire/token_usage.h"
#include "daemon/http/header_scan.h"
#include "daemon/upstreams.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmgw::daemon {

namespace {

// The upstream's error message, from {"error": {"message": ...}}, {"error": "..."} or
// {"message": ...}; "" when there is none.
std::string upstream_message(const std::string& body) {
  if (check_json(body, k_max_response_depth).fault != JsonFault::none) {
    return "";  // not JSON, or nested too deep to build a document of
  }
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

std::vector<std::string> echoable_secrets(const Provider& provider) {
  const char* credential = credential_in_environment(provider);
  return credential ? std::vector<std::string>{credential} : std::vector<std::string>{};
}

HttpError upstream_failure(const Provider& provider, const UpstreamError& error) {
  if (error.failure() == UpstreamFailure::timeout) {
    return HttpError(504, "upstream_timeout", fmt::format("Provider {} timed out", provider.id));
  }
  return HttpError(502, "upstream_unreachable",
                   fmt::format("Could not get an answer from provider {} ({})", provider.id,
                               to_string(error.failure())));
}

HttpError upstream_status_error(const Provider& provider, UpstreamResponse& response) {
  int status = response.status();
  std::string body;
  try {
    body = response.read_all(k_max_error_body);
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

std::optional<HttpError> unrelayable_answer(const Provider& provider,
                                            const UpstreamResponse& response) {
  if (response.status() != 200) {
    return HttpError(502, "upstream_error",
                     fmt::format("Provider {} answered HTTP {}, which carries no completion",
                                 provider.id, response.status()));
  }
  std::optional<std::string> encoding;
  for (const auto& [name, value] : response.headers()) {
    if (equals_ignoring_case(name, "Content-Encoding") && !equals_ignoring_case(value, "identity")) {
      encoding = value;
    }
  }
  if (encoding) {
    return HttpError(502, "upstream_error",
                     fmt::format("Provider {} answered with Content-Encoding {}, which llmgw "
                                 "does not decode",
                                 provider.id, redact_secrets(*encoding, echoable_secrets(provider), 64)));
  }
  return std::nullopt;
}

bool is_error_like(const SseEvent& event, const std::optional<std::vector<JsonMember>>& chunk) {
  return event.type == "error" || !chunk || find_member(*chunk, "error") != nullptr;
}

std::string redacted_error_event(const Provider& provider, const SseEvent& event) {
  const std::vector<std::string> secrets = echoable_secrets(provider);
  std::string out;
  bool data_written = false;
  std::string_view raw = event.raw;
  while (!raw.empty()) {
    std::string_view line = take_line(raw);
    if (line.empty()) {
      break;  // the blank line that ends the event
    }
    if (line.substr(0, 5) != "data:") {
      out.append(redact_secrets(line, secrets)).append("\n");
      continue;
    }
    if (data_written) {
      continue;
    }
    data_written = true;
    out.append("data: ");
    if (check_json(event.data, k_max_response_depth).fault == JsonFault::none) {
      out.append(redacted_event_data(provider, event).dump());
    } else {
      out.append(redact_secrets(event.data, secrets));
    }
    out.append("\n");
  }
  return out.append("\n");
}

nlohmann::json redacted_event_data(const Provider& provider, const SseEvent& event) {
  if (check_json(event.data, k_max_response_depth).fault == JsonFault::none) {
    return redacted_stream_error(provider, nlohmann::json::parse(event.data));
  }
  return redact_secrets(event.data, echoable_secrets(provider));
}

nlohmann::json redacted_stream_error(const Provider& provider, const nlohmann::json& error) {
  if (error.is_string()) {
    return redact_secrets(error.get_ref<const std::string&>(), echoable_secrets(provider));
  }
  if (error.is_array()) {
    nlohmann::json cleaned = nlohmann::json::array();
    for (const nlohmann::json& item : error) {
      cleaned.push_back(redacted_stream_error(provider, item));
    }
    return cleaned;
  }
  if (!error.is_object()) {
    return error;
  }
  // Names too: a provider may echo a credential as one.
  nlohmann::json cleaned = nlohmann::json::object();
  for (const auto& item : error.items()) {
    cleaned[redact_secrets(item.key(), echoable_secrets(provider))] =
        redacted_stream_error(provider, item.value());
  }
  return cleaned;
}

}  // namespace llmgw::daemon
