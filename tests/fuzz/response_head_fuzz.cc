// Fuzz target: a provider's response head (daemon/http/response_head.h) and the framing of
// the body it announces (BodyDecoder::for_response). Each verdict is compared with the
// reading the headers state, written here on its own. Aborts when
// - find_head_end finds another end than after the first empty line (lines end in LF, CR
//   LF or not: a head with bare LFs is found, then refused), past k_max_head_bytes, or
//   finds one in a shorter read of the same bytes;
// - parse_response_head (Beast's parser and llmgw's policy) gives another verdict than
//   these rules, in this order: a head without its end is refused; every line ends in
//   CRLF; no field line is folded; at most one Transfer-Encoding field, and none beside
//   a Content-Length; the status line is "HTTP/1.<0 or 1> <3 digits> <reason>" (a code of
//   100 or more; the reason without control characters but tabs); each field line, in
//   order, has a token before its colon and a value without control characters but
//   tabs; a Connection or Proxy-Connection value is a list of tokens; a Content-Length
//   value is a list of decimal numbers, none empty, equal to each other and to those
//   before; or it reads other fields than each line's name and its value trimmed of
//   blanks, in order;
// - a refusal says anything but its fixed message (a field name, never a value, in it);
// - keep_alive() or the framing of the body is not what the fields say (RFC 9112 6.3:
//   nothing after a HEAD, 1xx, 204 or 304; chunked when it is the last transfer coding,
//   and to the close for another; one Content-Length value, repeated or not; refused
//   with both, or with a Content-Length that is not digits).
//
// Input layout (FuzzedDataProvider, which takes numbers from the end): the last two bytes
// are where a shorter read stopped, the byte before them picks the request's method (GET,
// HEAD, POST); the rest, from the start, is the provider's bytes.
#include "daemon/http/body_decoder.h"
#include "daemon/http/response_head.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/http_rules.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using fuzz::is_control_but_tab;
using fuzz::is_token;
using fuzz::is_token_list;
using fuzz::trimmed;
using llmgw::daemon::BodyDecoder;
using llmgw::daemon::BodyFraming;
using llmgw::daemon::HeaderFields;
using llmgw::daemon::k_max_head_bytes;
using llmgw::daemon::MalformedResponse;
using llmgw::daemon::ResponseHead;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string lowered(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return out;
}

// The lines of `head`, without their LF or CRLF; the last one may have no end.
std::vector<std::string_view> lines_of(std::string_view head) {
  std::vector<std::string_view> lines;
  while (!head.empty()) {
    std::size_t lf = head.find('\n');
    std::string_view line = head.substr(0, lf);
    head.remove_prefix(lf == std::string_view::npos ? head.size() : lf + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
  }
  return lines;
}

std::optional<std::size_t> expected_head_end(std::string_view data) {
  std::size_t start = 0;
  for (std::string_view line : lines_of(data)) {
    std::size_t end = start + line.size();
    end += data.substr(end, 2) == "\r\n" ? 2 : data.substr(end, 1) == "\n" ? 1 : 0;
    if (start > 0 && line.empty() && end > start && end <= k_max_head_bytes) {
      return end;
    }
    start = end;
  }
  return std::nullopt;
}

struct Expected {
  ResponseHead head;
  std::string refusal;  // the message, when refused
};

// The elements of a comma-separated list, trimmed, empty ones included.
std::vector<std::string_view> list_elements(std::string_view value) {
  std::vector<std::string_view> elements;
  for (;;) {
    std::size_t comma = value.find(',');
    elements.push_back(trimmed(value.substr(0, comma)));
    if (comma == std::string_view::npos) {
      return elements;
    }
    value.remove_prefix(comma + 1);
  }
}

// Why a Content-Length value is refused ("" when it is not), given the value of those
// before it (`before`, which it sets).
std::string length_refusal(std::string_view value, std::optional<std::uint64_t>& before) {
  std::vector<std::string_view> elements = list_elements(value);
  bool any = false;
  bool empty = false;
  for (std::string_view element : elements) {
    if (element.empty()) {
      empty = true;
    } else if (!is_token(element)) {
      return "bad Content-Length";
    } else {
      any = true;
    }
  }
  if (!any) {
    return "bad Content-Length";
  }
  for (std::string_view element : elements) {
    if (element.empty()) {
      continue;
    }
    std::uint64_t number = 0;
    for (char c : element) {
      const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
      if (!is_digit(c) || number > (UINT64_MAX - digit) / 10) {
        return "bad Content-Length";
      }
      number = number * 10 + digit;
    }
    if (before && *before != number) {
      return "differing Content-Length values";
    }
    before = number;
  }
  return empty ? "bad Content-Length" : "";
}

Expected expected_head(std::string_view head) {
  Expected expected;
  if (expected_head_end(head) != head.size()) {
    expected.refusal = "header section without its end";
    return expected;
  }
  std::vector<std::string_view> lines;
  std::size_t codings = 0;
  std::size_t lengths = 0;
  for (std::string_view rest = head; !rest.empty();) {
    std::size_t lf = rest.find('\n');
    if (lf == 0 || rest[lf - 1] != '\r') {
      expected.refusal = "line ending in a bare LF";
      return expected;
    }
    std::string_view line = rest.substr(0, lf - 1);
    rest.remove_prefix(lf + 1);
    if (!lines.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      expected.refusal = "folded header field";
      return expected;
    }
    if (!lines.empty()) {
      std::string name = lowered(line.substr(0, line.find(':')));
      codings += name == "transfer-encoding" ? 1 : 0;
      lengths += name == "content-length" ? 1 : 0;
    }
    lines.push_back(line);
  }
  if (codings > 1) {
    expected.refusal = "more than one Transfer-Encoding field";
    return expected;
  }
  if (codings > 0 && lengths > 0) {
    expected.refusal = "both Content-Length and Transfer-Encoding";
    return expected;
  }
  std::string_view status = lines[0];
  if (status.size() < 13 || status.substr(0, 5) != "HTTP/" || !is_digit(status[5]) ||
      status[6] != '.' || !is_digit(status[7]) || status[8] != ' ' || !is_digit(status[9]) ||
      !is_digit(status[10]) || !is_digit(status[11]) || status[12] != ' ' ||
      std::any_of(status.begin() + 13, status.end(), is_control_but_tab) || status[5] != '1' ||
      (status[7] != '0' && status[7] != '1')) {
    expected.refusal = "bad status line";
    return expected;
  }
  expected.head.minor_version = status[7] - '0';
  expected.head.status = std::stoi(std::string(status.substr(9, 3)));
  if (expected.head.status < 100) {
    expected.refusal = "bad status code";
    return expected;
  }
  std::optional<std::uint64_t> length;
  for (std::size_t i = 1; i < lines.size() && !lines[i].empty(); ++i) {
    std::string_view line = lines[i];
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      expected.refusal = "header field without a name";
      return expected;
    }
    std::string name(line.substr(0, colon));
    std::string_view value = trimmed(line.substr(colon + 1));
    if (!is_token(name)) {
      expected.refusal = "bad header field name";
    } else if (std::any_of(value.begin(), value.end(), is_control_but_tab)) {
      expected.refusal = "control character in header field '" + name + "'";
    } else if ((lowered(name) == "connection" || lowered(name) == "proxy-connection") &&
               !is_token_list(value)) {
      expected.refusal = "bad value in header field '" + name + "'";
    } else if (lowered(name) == "content-length") {
      expected.refusal = length_refusal(value, length);
    }
    if (!expected.refusal.empty()) {
      return expected;
    }
    expected.head.headers.emplace_back(name, std::string(value));
  }
  return expected;
}

// The elements of every field named `name`, in order.
std::vector<std::string> elements(const HeaderFields& fields, std::string_view name) {
  std::vector<std::string> found;
  for (const auto& [field, value] : fields) {
    if (lowered(field) != lowered(name)) {
      continue;
    }
    std::string element;
    for (char c : value + ",") {
      if (c != ',') {
        element += c;
      } else if (!trimmed(element).empty()) {
        found.emplace_back(trimmed(element));
        element.clear();
      } else {
        element.clear();
      }
    }
  }
  return found;
}

bool expected_keep_alive(const ResponseHead& head) {
  std::vector<std::string> options = elements(head.headers, "Connection");
  auto listed = [&options](const char* option) {
    return std::any_of(options.begin(), options.end(),
                       [option](const std::string& o) { return lowered(o) == option; });
  };
  return !listed("close") && (head.minor_version >= 1 || listed("keep-alive"));
}

// The framing, or nullopt when the response must be refused.
std::optional<BodyFraming> expected_framing(const ResponseHead& head, std::string_view method) {
  if (method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304) {
    return BodyFraming::none;
  }
  std::vector<std::string> codings = elements(head.headers, "Transfer-Encoding");
  bool has_length = std::any_of(head.headers.begin(), head.headers.end(),
                                [](const auto& field) { return lowered(field.first) == "content-length"; });
  if (!codings.empty()) {
    if (has_length) {
      return std::nullopt;
    }
    return lowered(codings.back()) == "chunked" ? BodyFraming::chunked : BodyFraming::until_close;
  }
  if (!has_length) {
    return BodyFraming::until_close;
  }
  std::vector<std::string> lengths = elements(head.headers, "Content-Length");
  if (lengths.empty()) {
    return std::nullopt;
  }
  for (const std::string& length : lengths) {
    if (length.size() > 19 || length.find_first_not_of("0123456789") != std::string::npos ||
        length != lengths.front()) {
      return std::nullopt;
    }
  }
  return BodyFraming::length;
}

void check_head(std::string_view head, std::string_view method) {
  const Expected expected = expected_head(head);
  ResponseHead parsed;
  try {
    parsed = llmgw::daemon::parse_response_head(head);
  } catch (const MalformedResponse& e) {
    FUZZ_CHECK(e.kind() == MalformedResponse::Kind::malformed);
    FUZZ_CHECK(e.what() == "malformed response: " + expected.refusal);
    return;
  }
  FUZZ_CHECK(expected.refusal.empty());
  FUZZ_CHECK(parsed.status == expected.head.status &&
             parsed.minor_version == expected.head.minor_version &&
             parsed.headers == expected.head.headers);
  FUZZ_CHECK(parsed.keep_alive() == expected_keep_alive(parsed));
  const std::optional<BodyFraming> framing = expected_framing(parsed, method);
  try {
    BodyDecoder decoder = BodyDecoder::for_response(parsed, method);
    FUZZ_CHECK(framing == decoder.framing());
  } catch (const MalformedResponse& e) {
    FUZZ_CHECK(!framing && e.kind() == MalformedResponse::Kind::malformed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const std::size_t shorter = provider.ConsumeIntegral<std::uint16_t>();
  const char* method = std::vector<const char*>{"GET", "HEAD", "POST"}[provider.ConsumeIntegral<std::uint8_t>() % 3];
  const std::string bytes = provider.ConsumeRemainingBytesAsString();
  const std::string_view data_view(bytes);

  std::optional<std::size_t> end;
  try {
    end = llmgw::daemon::find_head_end(data_view);
    FUZZ_CHECK(end == expected_head_end(data_view));
    FUZZ_CHECK(end || data_view.size() < k_max_head_bytes);
  } catch (const MalformedResponse& e) {
    FUZZ_CHECK(!expected_head_end(data_view) && data_view.size() >= k_max_head_bytes);
    FUZZ_CHECK(e.kind() == MalformedResponse::Kind::malformed);
    return 0;
  }
  if (!end) {
    check_head(data_view, method);  // what a provider that closes now leaves
    return 0;
  }
  if (shorter < *end) {
    FUZZ_CHECK(!llmgw::daemon::find_head_end(data_view.substr(0, shorter)));
  }
  check_head(data_view.substr(0, *end), method);
  return 0;
}
