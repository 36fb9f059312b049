#pragma once
// An error answer of the gateway, and the shapes its body can take: the reference shape
// {"error": true, "status": N, "message": "..."} (plus `code` and, for spent budgets,
// `limit`, `used`, `resets_at`), the OpenAI envelope that the official SDKs can read:
// {"error": {"message", "type", "code", "param": null}}, and on Anthropic's routes
// Anthropic's envelope: {"type": "error", "error": {"type", "message"}}.
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace llmgw::daemon {

class HttpError : public std::runtime_error {
public:
  // `message` is shown to the client as is: it never carries a secret or upstream text.
  HttpError(int status, std::string code, const std::string& message,
            nlohmann::json extra = nlohmann::json::object());

  int status() const { return m_status; }
  const std::string& code() const { return m_code; }
  const nlohmann::json& extra() const { return m_extra; }

private:
  int m_status;
  std::string m_code;
  nlohmann::json m_extra;
};

// What --error-format asks for. `anthropic` is never asked for: it is what an Anthropic
// route (/v1/messages...) answers unless the reference shape is asked for.
enum class ErrorFormat { automatic, reference, openai, anthropic };
enum class SdkClient { yes, no };

// Parses --error-format: "auto", "reference", "openai"; throws Error(invalid) otherwise,
// naming `source` (the option, or the environment variable, the text came from).
ErrorFormat parse_error_format(const std::string& text, std::string_view source);

// The body for `error`: Anthropic's envelope when `format` is anthropic, the OpenAI
// envelope when it is openai, or when it is automatic and the request came from an
// official SDK (it sent X-Stainless-Lang).
std::string error_body(const HttpError& error, ErrorFormat format, SdkClient sdk);

// The format an error on `path` takes when `asked` is what --error-format asks for:
// Anthropic's envelope on /v1/messages unless the reference shape is asked for, OpenAI's on
// /v1/responses when nothing is.
ErrorFormat route_error_format(std::string_view path, ErrorFormat asked);

}  // namespace llmgw::daemon
