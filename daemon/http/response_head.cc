#include "daemon/http/response_head.h"

#include "daemon/http/header_scan.h"
#include "daemon/http/http_syntax.h"
#include "daemon/http/malformed_response.h"

#include <algorithm>

namespace llmgw::daemon {

namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw MalformedResponse(MalformedResponse::Kind::malformed, "malformed response: " + what);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void parse_status_line(std::string_view line, ResponseHead& head) {
  // HTTP/1.x SP 3DIGIT [SP reason]
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !is_digit(line[7]) ||
      line[8] != ' ' || !is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]) ||
      (line.size() > 12 && line[12] != ' ')) {
    malformed("bad status line");
  }
  head.minor_version = line[7] - '0';
  head.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (head.status < 100) {
    malformed("bad status code");
  }
}

void parse_field(std::string_view line, ResponseHead& head) {
  if (line.front() == ' ' || line.front() == '\t') {
    // Obsolete line folding: RFC 9112 lets a client reject it, and a proxy must not
    // guess where one field ends.
    malformed("folded header field");
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    malformed("header field without a name");
  }
  std::string_view name = line.substr(0, colon);
  if (!is_token(name)) {
    malformed("bad header field name");
  }
  std::string_view value = trim_blanks(line.substr(colon + 1));
  for (char c : value) {
    if (c == '\0' || c == '\r') {
      malformed("control character in header field '" + std::string(name) + "'");
    }
  }
  head.headers.emplace_back(std::string(name), std::string(value));
}

}  // namespace

std::optional<std::string_view> ResponseHead::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (equals_ignoring_case(field, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

void ResponseHead::for_each_token(std::string_view name,
                                  const std::function<void(std::string_view)>& each) const {
  for (const auto& [field, value] : headers) {
    if (equals_ignoring_case(field, name)) {
      for_each_list_element(value, each);
    }
  }
}

bool ResponseHead::keep_alive() const {
  bool close = false;
  bool keep_alive_token = false;
  for_each_token("Connection", [&](std::string_view token) {
    close = close || equals_ignoring_case(token, "close");
    keep_alive_token = keep_alive_token || equals_ignoring_case(token, "keep-alive");
  });
  return !close && (minor_version >= 1 || keep_alive_token);
}

std::optional<std::size_t> find_head_end(std::string_view data) {
  // Lines end in CRLF; a bare LF is accepted too (RFC 9112 section 2.2).
  std::string_view window = data.substr(0, k_max_head_bytes);
  for (std::size_t at = window.find('\n'); at != std::string_view::npos;
       at = window.find('\n', at + 1)) {
    if (at + 1 < window.size() && window[at + 1] == '\n') {
      return at + 2;
    }
    if (at + 2 < window.size() && window[at + 1] == '\r' && window[at + 2] == '\n') {
      return at + 3;
    }
  }
  if (data.size() >= k_max_head_bytes) {
    malformed("header section larger than " + std::to_string(k_max_head_bytes) + " bytes");
  }
  return std::nullopt;
}

ResponseHead parse_response_head(std::string_view head) {
  if (head.size() > k_max_head_bytes) {
    malformed("header section larger than " + std::to_string(k_max_head_bytes) + " bytes");
  }
  ResponseHead parsed;
  // Room for a field per line, so that the fields take one allocation, not one per doubling.
  parsed.headers.reserve(static_cast<std::size_t>(std::count(head.begin(), head.end(), '\n')));
  bool first = true;
  while (!head.empty()) {
    auto end = head.find('\n');
    std::string_view line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (first) {
      parse_status_line(line, parsed);
      first = false;
    } else if (line.empty()) {
      break;
    } else {
      parse_field(line, parsed);
    }
  }
  if (first) {
    malformed("empty response");
  }
  return parsed;
}

}  // namespace llmgw::daemon
