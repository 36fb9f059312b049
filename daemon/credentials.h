#pragma once
// Finding the gateway key in a request. Strict on purpose: exactly one of
// `Authorization: Bearer <key>` or `x-api-key: <key>`, and the key in its exact form.
#include <httplib.h>

#include <string>

namespace llmgw::daemon {

// The presented secret, well-formed but not yet looked up. Throws HttpError 401 with
// code missing_api_key or malformed_api_key. Messages never echo what was sent.
std::string presented_secret(const httplib::Headers& headers);

}  // namespace llmgw::daemon
