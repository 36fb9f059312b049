#include "daemon/http_error.h"

#include "core/error.h"

#include <fmt/format.h>

namespace llmgw::daemon {

namespace {

struct OpenAiKind {
  const char* type;
  const char* code;  // nullptr: the error's own code
};

OpenAiKind openai_kind(int status) {
  switch (status) {
    case 400:
      return {"invalid_request_error", nullptr};
    case 401:
      return {"authentication_error", "invalid_api_key"};
    case 402:
      return {"insufficient_quota", "budget_exceeded"};
    case 403:
      return {"permission_error", "permission_denied"};
    case 404:
      return {"not_found", nullptr};
    case 413:
      return {"request_too_large", nullptr};
    case 429:
      return {"rate_limit_error", nullptr};
    case 504:
      return {"timeout", nullptr};
    default:
      return {status >= 500 ? "api_error" : "invalid_request_error", nullptr};
  }
}

// Anthropic's error types, by status.
const char* anthropic_type(int status) {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

}  // namespace

ErrorFormat route_error_format(std::string_view path, ErrorFormat asked) {
  const bool anthropic_route =
      path == "/v1/messages" || path.substr(0, 13) == "/v1/messages/";
  if (anthropic_route && asked != ErrorFormat::reference) {
    return ErrorFormat::anthropic;
  }
  // Every client of the Responses API reads OpenAI's envelope; Codex is no SDK.
  const bool responses_route = path == "/v1/responses" || path.substr(0, 14) == "/v1/responses/";
  return responses_route && asked == ErrorFormat::automatic ? ErrorFormat::openai : asked;
}

HttpError::HttpError(int status, std::string code, const std::string& message,
                     nlohmann::json extra)
    : std::runtime_error(message), m_status(status), m_code(std::move(code)),
      m_extra(std::move(extra)) {}

ErrorFormat parse_error_format(const std::string& text, std::string_view source) {
  if (text == "auto") {
    return ErrorFormat::automatic;
  }
  if (text == "reference") {
    return ErrorFormat::reference;
  }
  if (text == "openai") {
    return ErrorFormat::openai;
  }
  throw_invalid(
      fmt::format("invalid {} '{}': expected auto, reference or openai", source, text));
}

std::string error_body(const HttpError& error, ErrorFormat format, SdkClient sdk) {
  // A message may quote what the client sent (a path): bytes that are not UTF-8 become
  // U+FFFD rather than failing the answer.
  if (format == ErrorFormat::anthropic) {
    return nlohmann::ordered_json{{"type", "error"},
                                  {"error",
                                   {{"type", anthropic_type(error.status())},
                                    {"message", error.what()}}}}
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  bool openai = format == ErrorFormat::openai ||
                (format == ErrorFormat::automatic && sdk == SdkClient::yes);
  if (openai) {
    OpenAiKind kind = openai_kind(error.status());
    return nlohmann::ordered_json{{"error",
                           {{"message", error.what()},
                            {"type", kind.type},
                            {"code", kind.code ? kind.code : error.code()},
                            {"param", nullptr}}}}
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  // In the reference's order: error, status, message, then the stable extra fields.
  nlohmann::ordered_json body = {
      {"error", true}, {"status", error.status()}, {"message", error.what()}, {"code", error.code()}};
  for (const auto& [name, value] : error.extra().items()) {
    body[name] = value;
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace llmgw::daemon
