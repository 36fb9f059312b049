#include "daemon/credentials.h"

#include "core/secret.h"
#include "daemon/http/header_scan.h"
#include "daemon/http_error.h"

namespace llmgw::daemon {

namespace {

constexpr std::string_view k_bearer = "Bearer ";

[[noreturn]] void malformed(const std::string& why) {
  throw HttpError(401, "malformed_api_key", "Malformed API key: " + why);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

}  // namespace

std::string presented_secret(const httplib::Headers& headers) {
  const std::string* authorization = find_header(headers, "Authorization");
  const std::string* api_key = find_header(headers, "x-api-key");
  const std::size_t count =
      header_count(headers, "Authorization") + header_count(headers, "x-api-key");
  if (count == 0) {
    throw HttpError(401, "missing_api_key",
                    "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>");
  }
  if (count > 1) {
    malformed("send exactly one Authorization or x-api-key header");
  }
  std::string_view value;
  if (authorization != nullptr) {
    value = *authorization;
    if (!starts_with_ignoring_case(value, k_bearer)) {
      malformed("the Authorization header must be 'Bearer <key>'");
    }
    value.remove_prefix(k_bearer.size());
  } else {
    value = *api_key;
  }
  // Header values arrive as sent (never percent-decoded): a %0A is three characters
  // that no key contains.
  if (!is_well_formed_secret(value)) {
    malformed("expected llmgtwy_ followed by 40 letters and digits");
  }
  return std::string(value);
}

}  // namespace llmgw::daemon
