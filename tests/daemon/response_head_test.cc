#include "daemon/http/response_head.h"

#include "daemon/http/malformed_response.h"

#include <doctest/doctest.h>

using namespace llmgw::daemon;
using namespace std::string_view_literals;

namespace {

std::string render(const ResponseHead& head) {
  std::string out = "HTTP/1." + std::to_string(head.minor_version) + " " +
                    std::to_string(head.status) + (head.keep_alive() ? " keep-alive" : " close");
  for (const auto& [name, value] : head.headers) {
    out += "\n" + name + "=" + value;
  }
  return out;
}

std::string protocol_error_of(std::string_view head) {
  try {
    parse_response_head(head);
  } catch (const MalformedResponse& error) {
    CHECK(error.kind() == MalformedResponse::Kind::malformed);
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("response head: status line and fields are parsed, values trimmed") {
  std::string_view text =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Empty:\r\n"
      "set-cookie:  a=1 \r\n\r\n";
  REQUIRE(find_head_end(text) == text.size());
  ResponseHead head = parse_response_head(text);
  CHECK(render(head) ==
        "HTTP/1.1 200 keep-alive\nContent-Type=application/json\nX-Empty=\nset-cookie=a=1");
  CHECK(head.header("content-type") == "application/json");
  CHECK_FALSE(head.header("Content-Length").has_value());
}

TEST_CASE("response head: the end is found with CRLF or bare LF lines, not before, and a "
          "bare LF is then refused") {
  CHECK(find_head_end("HTTP/1.1 200 OK\r\nA: b\r\n") == std::nullopt);
  CHECK(find_head_end("HTTP/1.1 200 OK\r\n\r\nbody") == 19);
  CHECK(find_head_end("HTTP/1.1 204 \nA: b\n\nrest") == 20);
  CHECK(protocol_error_of("HTTP/1.1 204 \nA: b\n\n") ==
        "malformed response: line ending in a bare LF");
  CHECK(protocol_error_of("HTTP/1.1 204 \r\nA: b\n\r\n") ==
        "malformed response: line ending in a bare LF");
  CHECK(protocol_error_of("HTTP/1.1 204 \r\nA: b\r\n") ==
        "malformed response: header section without its end");
}

TEST_CASE("response head: keep-alive follows the version and Connection") {
  CHECK_FALSE(parse_response_head("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").keep_alive());
  CHECK_FALSE(parse_response_head("HTTP/1.1 200 OK\r\nConnection: x, Close\r\n\r\n").keep_alive());
  CHECK_FALSE(parse_response_head("HTTP/1.0 200 OK\r\n\r\n").keep_alive());
  CHECK(parse_response_head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").keep_alive());
}

TEST_CASE("response head: malformed heads are protocol errors that never echo values") {
  CHECK(protocol_error_of("HTTP/2 200 OK\r\n\r\n") == "malformed response: bad status line");
  CHECK(protocol_error_of("HTTP/1.1 20 OK\r\n\r\n") == "malformed response: bad status line");
  CHECK(protocol_error_of("HTTP/1.1 200OK\r\n\r\n") == "malformed response: bad status line");
  CHECK(protocol_error_of("HTTP/1.1 200\r\n\r\n") == "malformed response: bad status line");
  CHECK(protocol_error_of("HTTP/1.2 200 OK\r\n\r\n") == "malformed response: bad status line");
  CHECK(protocol_error_of("HTTP/1.1 200 O\x01K\r\n\r\n") == "malformed response: bad status line");
  CHECK(protocol_error_of("HTTP/1.1 099 Early\r\n\r\n") == "malformed response: bad status code");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n") ==
        "malformed response: header field without a name");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nBad Name: sk-secret\r\n\r\n") ==
        "malformed response: bad header field name");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nA: b\r\n folded: sk-secret\r\n\r\n") ==
        "malformed response: folded header field");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nA: sk-\0secret\r\n\r\n"sv) ==
        "malformed response: control character in header field 'A'");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nA: b\r\nB: sk-\x7fsecret\r\n\r\n") ==
        "malformed response: control character in header field 'B'");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nB: sk-\rsecret\r\n\r\n") ==
        "malformed response: control character in header field 'B'");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nConnection: close sk-secret\r\n\r\n") ==
        "malformed response: bad value in header field 'Connection'");
}

TEST_CASE("response head: the framing fields are refused when they could be read two ways") {
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n") ==
        "malformed response: both Content-Length and Transfer-Encoding");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                          "transfer-encoding: gzip\r\n\r\n") ==
        "malformed response: more than one Transfer-Encoding field");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n") ==
        "malformed response: differing Content-Length values");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n") ==
        "malformed response: differing Content-Length values");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nContent-Length: 3,,3\r\n\r\n") ==
        "malformed response: bad Content-Length");
  CHECK(protocol_error_of("HTTP/1.1 200 OK\r\nContent-Length: 0x3\r\n\r\n") ==
        "malformed response: bad Content-Length");
  CHECK(render(parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n")) ==
        "HTTP/1.1 200 keep-alive\nContent-Length=3, 3");
}

TEST_CASE("response head: a head over 64 KiB is refused") {
  std::string big = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(k_max_head_bytes, 'a');
  try {
    find_head_end(big);
    FAIL("no error");
  } catch (const MalformedResponse& error) {
    CHECK(error.kind() == MalformedResponse::Kind::malformed);
    CHECK(std::string(error.what()) ==
          "malformed response: header section larger than 65536 bytes");
  }
  CHECK(find_head_end(std::string_view(big).substr(0, 1000)) == std::nullopt);
  // Given to the parser whole, 64 KiB without an end are a head without its end.
  CHECK(protocol_error_of(std::string_view(big).substr(0, k_max_head_bytes)) ==
        "malformed response: header section without its end");
}
