// Fuzz target: finding the gateway key in a request's headers. The input is the header
// lines of a request head, read by the daemon's own parser (daemon/http/request_head.h), whose
// fields must come out with a token for a name and a value trimmed of blanks, without LF
// (a CR may stay in a value, for the key parser to refuse). presented_secret
// (daemon/credentials.cc) must then agree with the rule stated here on its own:
// - no Authorization or x-api-key header (names in any case): 401 missing_api_key;
// - more than one: 401 malformed_api_key;
// - Authorization not "Bearer " (in any case) and then the key: 401 malformed_api_key;
// - a key other than "llmgtwy_" and 40 ASCII letters and digits: 401 malformed_api_key;
// - else the key, exactly.
// A refusal's message is the fixed one for its reason, so it never echoes what was sent.
#include "daemon/credentials.h"
#include "daemon/http_error.h"
#include "daemon/http/request_head.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/http_rules.h"

#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

// The fields as the parser must leave them.
bool is_clean_field(const std::string& name, const std::string& value) {
  bool token = !name.empty() && std::all_of(name.begin(), name.end(),
                                            [](char c) { return fuzz::is_tchar(c); });
  return token && value.find('\n') == std::string::npos && fuzz::trimmed(value) == value;
}

// ASCII letters lowered, the others kept: written apart from daemon/http/header_scan.h, whose
// comparison this target checks.
std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + ('a' - 'A'));
    }
  }
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return lowered(a) == lowered(b);
}

bool is_key(std::string_view text) {
  if (text.size() != 48 || text.substr(0, 8) != "llmgtwy_") {
    return false;
  }
  for (char c : text.substr(8)) {
    bool alphanumeric = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alphanumeric) {
      return false;
    }
  }
  return true;
}

struct Expected {
  std::string key;      // when accepted
  std::string message;  // of the 401, when refused
};

Expected expected_outcome(const httplib::Headers& headers) {
  const httplib::Headers::value_type* presented = nullptr;
  int count = 0;
  for (const auto& header : headers) {
    if (equals_ignoring_case(header.first, "authorization") ||
        equals_ignoring_case(header.first, "x-api-key")) {
      presented = &header;
      ++count;
    }
  }
  if (count == 0) {
    return {"", "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>"};
  }
  if (count > 1) {
    return {"", "Malformed API key: send exactly one Authorization or x-api-key header"};
  }
  std::string_view key = presented->second;
  if (equals_ignoring_case(presented->first, "authorization")) {
    if (!equals_ignoring_case(key.substr(0, 7), "bearer ")) {
      return {"", "Malformed API key: the Authorization header must be 'Bearer <key>'"};
    }
    key.remove_prefix(7);
  }
  if (!is_key(key)) {
    return {"", "Malformed API key: expected llmgtwy_ followed by 40 letters and digits"};
  }
  return {std::string(key), ""};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  httplib::Request request;
  const std::string section = std::string(reinterpret_cast<const char*>(data), size) + "\r\n";
  if (llmgw::daemon::parse_header_lines(section, request) != llmgw::daemon::Breach::none) {
    return 0;  // a malformed line: the head is refused before any key is looked for
  }
  const httplib::Headers& headers = request.headers;
  for (const auto& [name, value] : headers) {
    FUZZ_CHECK(is_clean_field(name, value));
  }
  Expected expected = expected_outcome(headers);
  try {
    std::string key = llmgw::daemon::presented_secret(headers);
    FUZZ_CHECK(expected.message.empty() && key == expected.key);
  } catch (const llmgw::daemon::HttpError& e) {
    FUZZ_CHECK(!expected.message.empty() && e.what() == expected.message);
    FUZZ_CHECK(e.status() == 401);
    FUZZ_CHECK(e.code() == (expected.message.rfind("Missing", 0) == 0 ? "missing_api_key"
                                                                       : "malformed_api_key"));
  }
  return 0;
}
