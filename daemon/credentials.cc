#include "daemon/credentials.h"

#include "core/secret.h"
#include "daemon/http_error.h"

namespace llmgw::daemon {

namespace {

constexpr std::string_view k_bearer = "Bearer ";

[[noreturn]] void malformed(const std::string& why) {
  throw HttpError(401, "malformed_api_key", "Malformed API key: " + why);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string presented_secret(const httplib::Headers& headers) {
  auto authorization = headers.equal_range("Authorization");
  auto api_key = headers.equal_range("x-api-key");
  auto count = std::distance(authorization.first, authorization.second) +
               std::distance(api_key.first, api_key.second);
  if (count == 0) {
    throw HttpError(401, "missing_api_key",
                    "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>");
  }
  if (count > 1) {
    malformed("send exactly one Authorization or x-api-key header");
  }
  std::string_view value;
  if (authorization.first != authorization.second) {
    value = authorization.first->second;
    if (!starts_with_ignoring_case(value, k_bearer)) {
      malformed("the Authorization header must be 'Bearer <key>'");
    }
    value.remove_prefix(k_bearer.size());
  } else {
    value = api_key.first->second;
  }
  // cpp-httplib has already percent-decoded header values, so this check also covers
  // CR, LF and NUL sent as %0D, %0A, %00.
  if (!is_well_formed_secret(value)) {
    malformed("expected llmgtwy_ followed by 40 letters and digits");
  }
  return std::string(value);
}

}  // namespace llmgw::daemon
