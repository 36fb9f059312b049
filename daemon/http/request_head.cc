#include "daemon/http/request_head.h"

#include "core/hex_digit.h"
#include "daemon/http/beast_parser.h"
#include "daemon/http/header_scan.h"
#include "daemon/http/http_syntax.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace llmgw::daemon {

namespace {

// A control character (tab included), which a request line may not hold, raw or encoded.
bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
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

using BeastError = boost::beast::error_code;

// Beast's reader of a request head: its line (method, target and version as sent) into
// `line` unless that is null, and its fields into `fields`.
class RequestReader final : public BeastParser<true> {
public:
  RequestReader(httplib::Request* line, httplib::Headers& fields)
      : m_line(line), m_fields(fields) {
    header_limit(std::numeric_limits<std::uint32_t>::max());  // the connection bounds the head
    body_limit(boost::none);  // a body's size is not the head's business
  }
  bool line_read() const { return m_line_read; }

private:
  void on_request_impl(Verb, View method, View target, int version, Error&) override {
    m_line_read = true;
    if (m_line == nullptr) {
      return;
    }
    m_line->method.assign(method.data(), method.size());
    m_line->target.assign(target.data(), target.size());
    m_line->version = version == 11 ? "HTTP/1.1" : "HTTP/1.0";  // Beast takes only these
  }
  void on_field_impl(Field, View name, View value, Error&) override {
    m_fields.emplace(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
  }

  httplib::Request* m_line;
  httplib::Headers& m_fields;
  bool m_line_read = false;
};

// Whether `value` is a Content-Length of 1 to 18 digits (a number of bytes that cannot
// overflow, however it is read).
bool is_length(std::string_view value) {
  return !value.empty() && value.size() <= 18 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Calls `each(name, value)` for the fields of `section` as llmgw's policy reads them,
// before Beast does: each line ends in CRLF (a bare LF is where a proxy and llmgw could
// split lines differently), is at most k_max_header_line_bytes long, is not folded, holds
// no control character but a tab, and has a token before its colon; the last line is
// empty. The value is trimmed of blanks. Breach::malformed_head when a line breaks these.
template <typename Each>
Breach for_each_policy_field(std::string_view section, Each each) {
  for (;;) {
    std::size_t end = section.find('\n');
    if (end == std::string_view::npos || end == 0 || section[end - 1] != '\r' ||
        end + 1 > k_max_header_line_bytes) {
      return Breach::malformed_head;
    }
    std::string_view line = section.substr(0, end - 1);
    section.remove_prefix(end + 1);
    if (line.empty()) {
      return section.empty() ? Breach::none : Breach::malformed_head;  // bytes after the end
    }
    if (!is_field_line(line)) {
      return Breach::malformed_head;
    }
    const std::size_t colon = line.find(':');
    each(line.substr(0, colon), trim_blanks(line.substr(colon + 1)));
  }
}

// The framing rule the fields of `section` break, or Breach::none (malformed_head when a
// line breaks the policy). Beast is laxer (it takes a list of equal lengths, and a coding
// that is not chunked as no framing at all) and stops at its first refusal without
// saying which rule: the policy decides first.
Breach policy_breach(std::string_view section) {
  std::size_t lengths = 0;
  std::size_t codings = 0;
  bool numbers = true;
  bool chunked = true;
  Breach breach = for_each_policy_field(section, [&](std::string_view name, std::string_view value) {
    if (equals_ignoring_case(name, "Content-Length")) {
      ++lengths;
      numbers = numbers && is_length(value);
    } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
      ++codings;
      chunked = chunked && equals_ignoring_case(value, "chunked");
    }
  });
  if (breach != Breach::none) {
    return breach;
  }
  if (lengths > 0 && codings > 0) {
    return Breach::length_and_coding;
  }
  if (lengths > 1) {
    return Breach::several_lengths;
  }
  if (codings > 1) {
    return Breach::several_codings;
  }
  if (!numbers) {
    return Breach::length_not_a_number;
  }
  return chunked ? Breach::none : Breach::coding_not_chunked;
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
  RequestReader reader(&request, request.headers);
  BeastError ec;
  // Beast reads a request line as soon as it is in: the rest of the head is not needed.
  std::size_t read = reader.put(boost::asio::const_buffer(line.data(), line.size()), ec);
  if (reader.line_read() && read == line.size() && is_known_method(request.method)) {
    request.target.erase(std::min(request.target.find('#'), request.target.size()));
    std::string_view target = request.target;
    request.path = percent_decoded(target.substr(0, target.find('?')));
    if (std::none_of(request.path.begin(), request.path.end(), is_control)) {
      return true;
    }
  }
  request = httplib::Request();  // nothing of a refused line is logged
  return false;
}

Breach parse_header_lines(std::string_view section, httplib::Request& request) {
  if (Breach breach = policy_breach(section); breach != Breach::none) {
    if (breach != Breach::malformed_head) {
      // Refused, but answered like any other request (in the format its client asked
      // for): its fields as the policy read them, Beast being unable to.
      for_each_policy_field(section, [&request](std::string_view name, std::string_view value) {
        request.headers.emplace(std::string(name), std::string(value));
      });
    }
    return breach;
  }
  // Beast reads fields after a request line: a fixed one, since the request's own was
  // read before (parse_request_line), and the fields do not depend on it.
  httplib::Headers fields;
  RequestReader reader(nullptr, fields);
  static constexpr std::string_view k_line = "GET / HTTP/1.1\r\n";
  BeastError ec;
  reader.put(boost::asio::const_buffer(k_line.data(), k_line.size()), ec);
  std::size_t read = reader.put(boost::asio::const_buffer(section.data(), section.size()), ec);
  if (ec || !reader.is_header_done() || read != section.size()) {
    return Breach::malformed_head;
  }
  request.headers.merge(fields);  // the nodes move, no field is copied
  return Breach::none;
}

}  // namespace llmgw::daemon
