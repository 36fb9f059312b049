// Fuzz target: a client's request head, as the daemon reads it (daemon/http/request_head.h):
// where the request line and the head end, the request line, the header lines. Each
// verdict is compared with the reading the header states, written here on its own. Aborts
// when
// - line_end or head_end finds another end than the first LF, or the first empty CRLF line
//   after the request line; or looking again from where an earlier, shorter read left off
//   finds another end than looking from the start;
// - parse_request_line accepts a line that is not three space-separated parts (a known
//   method, a target, HTTP/1.0 or HTTP/1.1) ending in CRLF without a control character,
//   refuses one that is, or reads another method, target (without '#...'), path (the
//   target before '?', percent-decoded, without a control character) or version;
// - parse_header_lines accepts a line that does not end in CRLF, is longer than
//   k_max_header_line_bytes, has no token before its colon, or holds a control character
//   but a tab in its value; refuses one that is fine; or reads other fields than each
//   line's name and its value trimmed of blanks, in order.
//
// Input layout (FuzzedDataProvider, which takes numbers from the end): the last two bytes
// are where an earlier read stopped; the rest, from the start, is the bytes of the head.
#include "daemon/http/request_head.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/http_rules.h"

#include <fuzzer/FuzzedDataProvider.h>
#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using fuzz::is_tchar;
using fuzz::trimmed;
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
    } else if (!part.empty()) {
      parts.push_back(part);
      part.clear();
    }
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

std::optional<httplib::Headers> expected_fields(std::string_view lines) {
  httplib::Headers fields;
  while (!lines.empty()) {
    std::size_t lf = lines.find('\n');
    if (lf == std::string_view::npos || lf + 1 > k_max_header_line_bytes || lf == 0 ||
        lines[lf - 1] != '\r') {
      return std::nullopt;
    }
    std::string_view line = lines.substr(0, lf - 1);
    lines.remove_prefix(lf + 1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::all_of(line.begin(), line.begin() + colon, [](char c) { return is_tchar(c); })) {
      return std::nullopt;
    }
    std::string_view value = trimmed(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) { return c != '\t' && is_control(c); })) {
      return std::nullopt;
    }
    fields.emplace(std::string(line.substr(0, colon)), std::string(value));
  }
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
  std::string_view lines = head.substr(*line, *end - *line - 2);
  const std::optional<httplib::Headers> fields = expected_fields(lines);
  httplib::Request with_fields;
  FUZZ_CHECK(llmgw::daemon::parse_header_lines(lines, with_fields) == fields.has_value());
  if (fields) {
    FUZZ_CHECK(with_fields.headers == *fields);
  }
  return 0;
}
