#include "daemon/http/request_head.h"

#include "core/hex_digit.h"
#include "daemon/http/http_syntax.h"

#include <algorithm>
#include <array>
#include <string>

namespace llmgw::daemon {

namespace {

// A control character (tab included), which a request line may not hold, raw or encoded.
bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

// A control character but a tab, which a field value may not hold (RFC 9110 5.5).
bool is_control_in_value(char c) {
  return is_control(c) && c != '\t';
}

// %XX sequences decoded; anything else, a stray '%' included, kept as it is.
std::string percent_decoded(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    int high = -1;
    int low = -1;
    if (text[i] == '%' && i + 2 < text.size()) {
      high = hex_digit_value(text[i + 1]);
      low = hex_digit_value(text[i + 2]);
    }
    if (high >= 0 && low >= 0) {
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

bool is_known_method(std::string_view method) {
  static constexpr std::array<std::string_view, 10> k_methods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
  for (std::string_view known : k_methods) {
    if (method == known) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::size_t> line_end(std::string_view data, std::size_t from) {
  std::size_t at = data.find('\n', from);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return at + 1;
}

std::optional<std::size_t> head_end(std::string_view data, std::size_t request_line,
                                    std::size_t from) {
  // The empty line is a CRLF right after the LF that ends the line before it. Bytes
  // seen before `from` can hold the first two of those three.
  std::size_t at = data.find("\n\r\n", std::max(from, request_line + 1) - 2);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return at + 3;
}

bool parse_request_line(std::string_view line, httplib::Request& request) {
  if (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") {
    return false;
  }
  line.remove_suffix(2);
  if (std::any_of(line.begin(), line.end(), is_control)) {
    return false;
  }
  // Parts separated by spaces; empty parts (several spaces in a row) do not count.
  std::array<std::string_view, 3> parts;
  std::size_t count = 0;
  while (!line.empty()) {
    std::size_t space = line.find(' ');
    std::string_view part = trim_blanks(line.substr(0, space));
    if (!part.empty()) {
      if (count == parts.size()) {
        return false;
      }
      parts[count++] = part;
    }
    line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
  }
  if (count != parts.size() || !is_known_method(parts[0]) ||
      (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")) {
    return false;
  }
  request.method.assign(parts[0]);
  request.target.assign(parts[1].substr(0, parts[1].find('#')));
  request.version.assign(parts[2]);
  std::string_view target = request.target;
  request.path = percent_decoded(target.substr(0, target.find('?')));
  return std::none_of(request.path.begin(), request.path.end(), is_control);
}

bool parse_header_lines(std::string_view lines, httplib::Request& request) {
  while (!lines.empty()) {
    std::size_t end = lines.find('\n');
    std::size_t length = end == std::string_view::npos ? lines.size() : end + 1;
    std::string_view line = lines.substr(0, length);
    lines.remove_prefix(length);
    if (line.size() > k_max_header_line_bytes || line.size() < 2 ||
        line[line.size() - 2] != '\r' || line.back() != '\n') {
      return false;
    }
    line.remove_suffix(2);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return false;  // no name, a folded line, or blanks before the colon
    }
    std::string_view value = trim_blanks(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), is_control_in_value)) {
      return false;  // a NUL, a bare CR: a proxy may cut the value there, or not
    }
    request.headers.emplace(std::string(line.substr(0, colon)), std::string(value));
  }
  return true;
}

}  // namespace llmgw::daemon
