#pragma once
// An error answer of the gateway, and the two shapes its body can take: the reference
// shape {"error": true, "status": N, "message": "..."} (plus `code` and, for spent
// budgets, `limit`, `used`, `resets_at`), and the OpenAI envelope that the official SDKs
// can read: {"error": {"message", "type", "code", "param": null}}.
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

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

enum class ErrorFormat { automatic, reference, openai };
enum class SdkClient { yes, no };

// Parses --error-format: "auto", "reference", "openai"; throws Error(invalid) otherwise.
ErrorFormat parse_error_format(const std::string& text);

// The body for `error`: the OpenAI envelope when `format` says so, or when it is automatic
// and the request came from an official SDK (it sent X-Stainless-Lang).
std::string error_body(const HttpError& error, ErrorFormat format, SdkClient sdk);

}  // namespace llmgw::daemon
