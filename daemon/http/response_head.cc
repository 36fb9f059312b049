#include "daemon/http/response_head.h"

#include "daemon/http/beast_parser.h"
#include "daemon/http/header_scan.h"
#include "daemon/http/http_syntax.h"
#include "daemon/http/malformed_response.h"

#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace llmgw::daemon {

namespace {

namespace http = boost::beast::http;
using BeastError = boost::beast::error_code;

[[noreturn]] void malformed(const std::string& what) {
  throw MalformedResponse(MalformedResponse::Kind::malformed, "malformed response: " + what);
}

// Beast's reader of a response head, filling a ResponseHead. A status line that Beast
// reads but llmgw does not take (a code under 100) stops it, with the refusal kept.
class HeadReader final : public BeastParser<false> {
public:
  explicit HeadReader(ResponseHead& head) : m_head(head) {
    header_limit(k_max_head_bytes);
    body_limit(boost::none);  // a body's size is not the head's business
  }
  std::size_t fields() const { return m_head.headers.size(); }
  const char* refusal() const { return m_refusal; }

private:
  void on_response_impl(int code, View, int version, Error& ec) override {
    if (code < 100) {
      m_refusal = "bad status code";
      ec = http::error::bad_status;
      return;
    }
    m_head.status = code;
    m_head.minor_version = version % 10;
  }
  void on_field_impl(Field, View name, View value, Error&) override {
    m_head.headers.emplace_back(std::string(name.data(), name.size()),
                                std::string(value.data(), value.size()));
  }

  ResponseHead& m_head;
  const char* m_refusal = nullptr;
};

// Why the field line `line` (without its CRLF) is refused, by the rules of the head.
std::string field_refusal(std::string_view line) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return "header field without a name";
  }
  std::string_view name = line.substr(0, colon);
  if (!is_token(name)) {
    return "bad header field name";
  }
  std::string_view value = trim_blanks(line.substr(colon + 1));
  if (std::any_of(value.begin(), value.end(), is_control_but_tab)) {
    return "control character in header field '" + std::string(name) + "'";
  }
  return "bad value in header field '" + std::string(name) + "'";
}

// The policy llmgw adds to Beast's reading, checked on the whole head first, line by
// line: each line ends in CRLF (a bare LF is where a proxy and llmgw could split lines
// differently) and no field is folded (RFC 9112 lets a client refuse obsolete line
// folding, and a proxy must not guess where a field ends). Then the framing fields: one
// Transfer-Encoding field at most, and none beside a Content-Length (the classic
// request-smuggling ambiguity). A field's name here is what precedes its first colon.
void check_policy(std::string_view head) {
  std::size_t codings = 0;
  std::size_t lengths = 0;
  bool first = true;
  while (!head.empty()) {
    auto end = head.find('\n');
    if (end == 0 || head[end - 1] != '\r') {
      malformed("line ending in a bare LF");
    }
    std::string_view line = head.substr(0, end - 1);
    head.remove_prefix(end + 1);
    if (!first && !line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      malformed("folded header field");
    }
    if (!first) {
      std::string_view name = line.substr(0, line.find(':'));
      codings += equals_ignoring_case(name, "Transfer-Encoding") ? 1 : 0;
      lengths += equals_ignoring_case(name, "Content-Length") ? 1 : 0;
    }
    first = false;
  }
  if (codings > 1) {
    malformed("more than one Transfer-Encoding field");
  }
  if (codings > 0 && lengths > 0) {
    malformed("both Content-Length and Transfer-Encoding");
  }
}

// The line of `head` (a whole head, its lines checked) at `index` (0: the status line),
// without its CRLF.
std::string_view line_at(std::string_view head, std::size_t index) {
  for (; index > 0; --index) {
    head.remove_prefix(head.find('\n') + 1);
  }
  return head.substr(0, head.find('\n') - 1);
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
  // Lines end in CRLF or, for the head's end to be found (and the head then refused), a
  // bare LF.
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
  std::optional<std::size_t> end;
  try {
    end = find_head_end(head);
  } catch (const MalformedResponse&) {
    // 64 KiB without an end: the head given is not whole, not too large
  }
  if (end != head.size()) {
    malformed("header section without its end");
  }
  check_policy(head);
  ResponseHead parsed;
  // Room for a field per line, so that the fields take one allocation, not one per doubling.
  parsed.headers.reserve(static_cast<std::size_t>(std::count(head.begin(), head.end(), '\n')));
  HeadReader reader(parsed);
  BeastError ec;
  reader.put(boost::asio::const_buffer(head.data(), head.size()), ec);
  if (!ec && reader.is_header_done()) {
    return parsed;
  }
  if (reader.refusal() != nullptr) {
    malformed(reader.refusal());
  }
  if (parsed.status == 0) {
    malformed("bad status line");
  }
  if (ec == http::error::bad_content_length) {
    malformed("bad Content-Length");
  }
  if (ec == http::error::multiple_content_length) {
    malformed("differing Content-Length values");
  }
  if (ec == http::error::bad_field || ec == http::error::bad_value ||
      ec == http::error::bad_line_ending) {
    // The field that failed is the one after those read: its line (no fold got this far).
    malformed(field_refusal(line_at(head, reader.fields() + 1)));
  }
  malformed("malformed header section");
}

}  // namespace llmgw::daemon
