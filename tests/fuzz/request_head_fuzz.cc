// Fuzz target: a client's request head, as the daemon reads it (daemon/http/request_head.h):
// where the request line and the head end, the request line, the header lines. Each
// verdict is compared with the reading the header states, written here on its own (the
// reading of the hand-written parser that Beast's replaced, with the rules Beast adds).
// Aborts when
// - line_end or head_end finds another end than the first LF, or the first empty CRLF line
//   after the request line; or looking again from where an earlier, shorter read left off
//   finds another end than looking from the start;
// - parse_request_line accepts a line that is not three parts separated by single spaces
//   (a known method, a target, HTTP/1.0 or HTTP/1.1) ending in CRLF without a control
//   character, refuses one that is, or reads another method, target (without '#...'),
//   path (the target before '?', percent-decoded, without a control character) or version;
// - parse_header_lines gives another verdict than this, in this order: malformed when a
//   line does not end in CRLF, is longer than k_max_header_line_bytes, holds a control
//   character but a tab or has no token before its colon (a folded one has none); then
//   the framing breaches (Content-Length with Transfer-Encoding, several Content-Length,
//   several Transfer-Encoding, a Content-Length not of 1 to 18 digits, a Transfer-Encoding
//   not "chunked"); then malformed when a Connection or Proxy-Connection value is not a
//   comma-separated list of tokens; or reads other fields than each line's name and its
//   value trimmed of blanks, in order (on a framing breach too).
//
// Input layout (FuzzedDataProvider, which takes numbers from the end): the last two bytes
// are where an earlier read stopped; the rest, from the start, is the bytes of the head.
#include "daemon/http/request_head.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/http_rules.h"

#include <fuzzer/FuzzedDataProvider.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using fuzz::equals_ignoring_case;
using fuzz::is_token;
using fuzz::is_token_list;
using fuzz::trimmed;
using llmgw::daemon::Breach;
using llmgw::daemon::head_end;
using llmgw::daemon::k_max_header_line_bytes;
using llmgw::daemon::line_end;

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct RequestLine {
  std::string method, target, path, version;
};

std::optional<RequestLine> expected_request_line(std::string_view line) {
  if (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") {
    return std::nullopt;
  }
  line.remove_suffix(2);
  if (std::any_of(line.begin(), line.end(), [](char c) { return is_control(c); })) {
    return std::nullopt;
  }
  std::vector<std::string> parts;
  std::string part;
  for (char c : std::string(line) + ' ') {
    if (c != ' ') {
      part += c;
    } else {
      parts.push_back(part);  // an empty part: two spaces in a row, or one at an end
      part.clear();
    }
  }
  if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    return std::nullopt;
  }
  const std::vector<std::string> methods = {"GET",     "HEAD",    "POST",  "PUT",   "DELETE",
                                            "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
  if (parts.size() != 3 || std::find(methods.begin(), methods.end(), parts[0]) == methods.end() ||
      (parts[2] != "HTTP/1.0" && parts[2] != "HTTP/1.1")) {
    return std::nullopt;
  }
  RequestLine expected{parts[0], parts[1].substr(0, parts[1].find('#')), "", parts[2]};
  std::string encoded = expected.target.substr(0, expected.target.find('?'));
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size() && hex(encoded[i + 1]) >= 0 &&
        hex(encoded[i + 2]) >= 0) {
      expected.path += static_cast<char>(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2]));
      i += 2;
    } else {
      expected.path += encoded[i];
    }
  }
  if (std::any_of(expected.path.begin(), expected.path.end(),
                  [](char c) { return is_control(c); })) {
    return std::nullopt;
  }
  return expected;
}

struct Fields {
  Breach breach = Breach::none;
  httplib::Headers headers;
};

// `section`: the header lines and the empty line after them.
Fields expected_fields(std::string_view section) {
  std::vector<std::string_view> lines;
  for (;;) {
    std::size_t lf = section.find('\n');
    if (lf == std::string_view::npos || lf == 0 || section[lf - 1] != '\r' ||
        lf + 1 > k_max_header_line_bytes) {
      return {Breach::malformed_head, {}};
    }
    std::string_view line = section.substr(0, lf - 1);
    section.remove_prefix(lf + 1);
    if (line.empty()) {
      break;
    }
    std::size_t colon = line.find(':');
    if (std::any_of(line.begin(), line.end(), [](char c) { return c != '\t' && is_control(c); }) ||
        colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return {Breach::malformed_head, {}};
    }
    lines.push_back(line);
  }
  if (!section.empty()) {
    return {Breach::malformed_head, {}};
  }
  Fields fields;
  std::size_t lengths = 0, codings = 0;
  bool numbers = true, chunked = true, lists = true;
  for (std::string_view line : lines) {
    std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = trimmed(line.substr(colon + 1));
    fields.headers.emplace(std::string(name), std::string(value));
    if (equals_ignoring_case(name, "content-length")) {
      ++lengths;
      numbers = numbers && !value.empty() && value.size() <= 18 &&
                value.find_first_not_of("0123456789") == std::string_view::npos;
    }
    if (equals_ignoring_case(name, "transfer-encoding")) {
      ++codings;
      chunked = chunked && equals_ignoring_case(value, "chunked");
    }
    if (equals_ignoring_case(name, "connection") || equals_ignoring_case(name, "proxy-connection")) {
      lists = lists && is_token_list(value);
    }
  }
  if (lengths > 0 && codings > 0) fields.breach = Breach::length_and_coding;
  else if (lengths > 1) fields.breach = Breach::several_lengths;
  else if (codings > 1) fields.breach = Breach::several_codings;
  else if (!numbers) fields.breach = Breach::length_not_a_number;
  else if (!chunked) fields.breach = Breach::coding_not_chunked;
  else if (!lists) return {Breach::malformed_head, {}};
  return fields;
}

// The end of the head: after the first line that is exactly CRLF, among the lines after
// the request line.
std::optional<std::size_t> expected_head_end(std::string_view data, std::size_t request_line) {
  for (std::size_t start = request_line; start < data.size();) {
    if (data.substr(start, 2) == "\r\n") {
      return start + 2;
    }
    std::size_t lf = data.find('\n', start);
    if (lf == std::string_view::npos) {
      break;
    }
    start = lf + 1;
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const std::size_t earlier = provider.ConsumeIntegral<std::uint16_t>();
  const std::string bytes = provider.ConsumeRemainingBytesAsString();
  const std::string_view head(bytes);

  const std::optional<std::size_t> line = line_end(head);
  std::size_t lf = head.find('\n');
  FUZZ_CHECK(line == (lf == std::string_view::npos ? std::nullopt : std::optional(lf + 1)));
  // A reader that had `from` bytes and found no LF looks on from there.
  std::size_t from = std::min(earlier, line ? *line - 1 : head.size());
  FUZZ_CHECK(line_end(head, from) == line);
  if (!line) {
    return 0;
  }

  httplib::Request request;
  const bool accepted = llmgw::daemon::parse_request_line(head.substr(0, *line), request);
  const std::optional<RequestLine> expected = expected_request_line(head.substr(0, *line));
  FUZZ_CHECK(accepted == expected.has_value());
  if (accepted) {
    FUZZ_CHECK(request.method == expected->method && request.target == expected->target &&
               request.path == expected->path && request.version == expected->version);
  }

  const std::optional<std::size_t> end = head_end(head, *line);
  FUZZ_CHECK(end == expected_head_end(head, *line));
  // A reader that had `from` bytes (the request line and more) and found no end there.
  from = std::max(*line, std::min(earlier, head.size()));
  if (!head_end(head.substr(0, from), *line)) {
    FUZZ_CHECK(head_end(head, *line, from) == end);
  }
  if (!end) {
    return 0;
  }
  std::string_view section = head.substr(*line, *end - *line);
  const Fields fields = expected_fields(section);
  httplib::Request with_fields;
  FUZZ_CHECK(llmgw::daemon::parse_header_lines(section, with_fields) == fields.breach);
  FUZZ_CHECK(with_fields.headers == fields.headers);
  return 0;
}
