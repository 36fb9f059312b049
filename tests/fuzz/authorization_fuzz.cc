// Fuzz target: finding the gateway key in a request's headers (daemon/credentials.cc).
// The input is a header block, one "Name: value" a line, read as cpp-httplib 0.11 reads
// one: trailing blanks dropped, the value's leading blanks skipped, an empty value
// dropped, the value percent-decoded. presented_secret must agree with the rule stated
// here on its own:
// - no Authorization or x-api-key header (names in any case): 401 missing_api_key;
// - more than one: 401 malformed_api_key;
// - Authorization not "Bearer " (in any case) and then the key: 401 malformed_api_key;
// - a key other than "llmgtwy_" and 40 ASCII letters and digits: 401 malformed_api_key;
// - else the key, exactly.
// A refusal's message is the fixed one for its reason, so it never echoes what was sent.
#include "daemon/credentials.h"
#include "daemon/http_error.h"
#include "tests/fuzz/check.h"

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

httplib::Headers read_headers(std::string_view block) {
  httplib::Headers headers;
  while (!block.empty()) {
    std::size_t end = block.find('\n');
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    while (!line.empty() && is_blank(line.back())) {
      line.remove_suffix(1);
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && is_blank(value.front())) {
      value.remove_prefix(1);
    }
    if (!value.empty()) {
      headers.emplace(std::string(line.substr(0, colon)),
                      httplib::detail::decode_url(std::string(value), false));
    }
  }
  return headers;
}

// ASCII letters lowered, the others kept: written apart from daemon/header_scan.h, whose
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
  httplib::Headers headers = read_headers(std::string_view(reinterpret_cast<const char*>(data), size));
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
