#include "daemon/http/request_head.h"

#include <doctest/doctest.h>

#include <string>

using namespace llmgw::daemon;

namespace {

// The fields parse_header_lines reads from `lines` (the empty line that ends the head
// added), as "name=value" lines in the header map's order; "rejected" when it refuses them
// as malformed.
std::string fields_of(const std::string& lines) {
  httplib::Request request;
  Breach breach = parse_header_lines(lines + "\r\n", request);
  if (breach != Breach::none) {
    return breach == Breach::malformed_head ? "rejected" : "framing";
  }
  std::string out;
  for (const auto& [name, value] : request.headers) {
    out += name + "=" + value + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("request head: a line ends at its LF, looked for from where the caller got to") {
  CHECK(line_end("GET / HTTP/1.1\r\nHost") == 16u);
  CHECK(line_end("GET / HTTP/1.1\r\nHost", 10) == 16u);
  CHECK_FALSE(line_end("GET / HTTP/1.1\r").has_value());
  CHECK_FALSE(line_end("").has_value());
}

TEST_CASE("request head: the head ends at the first empty CRLF line after the request line") {
  const std::string request_line = "GET / HTTP/1.1\r\n";
  CHECK(head_end(request_line + "\r\nbody", request_line.size()) == request_line.size() + 2);
  std::string head = request_line + "Host: a\r\nX: 1\r\n\r\n";
  CHECK(head_end(head + "next", request_line.size()) == head.size());
  CHECK(head_end(head, request_line.size(), head.size() - 3) == head.size());
  // The end found when its last bytes are the only new ones (a head sent byte by byte).
  CHECK(head_end(head, request_line.size(), head.size() - 1) == head.size());
  CHECK(head_end(head, request_line.size(), head.size() - 2) == head.size());
  CHECK(head_end(request_line + "\r\n", request_line.size(), request_line.size() + 1) ==
        request_line.size() + 2);
  // A bare LF line does not end a head; only CRLF does.
  CHECK_FALSE(head_end(request_line + "Host: a\n\nX: 1\r\n", request_line.size()).has_value());
  CHECK_FALSE(head_end(request_line + "Host: a\r\n\r", request_line.size()).has_value());
}

TEST_CASE("request head: the request line gives method, target, path and version") {
  httplib::Request request;
  REQUIRE(parse_request_line("POST /v1/chat%2Dx?stream=1#top HTTP/1.1\r\n", request));
  CHECK(request.method == "POST");
  CHECK(request.target == "/v1/chat%2Dx?stream=1");
  CHECK(request.path == "/v1/chat-x");
  CHECK(request.version == "HTTP/1.1");

  httplib::Request old;
  REQUIRE(parse_request_line("GET /healthz HTTP/1.0\r\n", old));
  CHECK(old.path == "/healthz");
  CHECK(old.version == "HTTP/1.0");

  httplib::Request stray;
  REQUIRE(parse_request_line("GET /a%zz%4 HTTP/1.1\r\n", stray));
  CHECK(stray.path == "/a%zz%4");  // what is not %XX stays as it is
}

TEST_CASE("request head: malformed request lines are refused") {
  const char* lines[] = {
      "GET / HTTP/1.1\n",          // no CR
      "GET / HTTP/1.1",            // no line end
      "\r\n",                      // empty
      "GET /\r\n",                 // two parts
      "GET / HTTP/1.1 extra\r\n",  // four parts
      "GET  /healthz HTTP/1.1\r\n",  // parts are separated by one space
      "GET /healthz  HTTP/1.1\r\n",
      " GET / HTTP/1.1\r\n",
      "GET / HTTP/1.1 \r\n",
      "FETCH / HTTP/1.1\r\n",      // unknown method
      "get / HTTP/1.1\r\n",        // methods are case-sensitive
      "GET / HTTP/2.0\r\n",        // another version
      "GET / http/1.1\r\n",
      "GET\t/ HTTP/1.1\r\n",           // a tab is not a separator
      "GET /a\x01b HTTP/1.1\r\n",      // control characters, raw
      "GET /a%00b HTTP/1.1\r\n",        // or decoded in the path
      "GET /a%7Fb HTTP/1.1\r\n",
  };
  for (const char* line : lines) {
    CAPTURE(line);
    httplib::Request request;
    CHECK_FALSE(parse_request_line(line, request));
  }
  httplib::Request with_nul;
  CHECK_FALSE(parse_request_line(std::string("GET /v1/mo\0dels HTTP/1.1\r\n", 26), with_nul));
}

TEST_CASE("request head: header fields are kept as sent, values trimmed and never decoded") {
  CHECK(fields_of("Host: a\r\nAuthorization:  Bearer x%0Ay \t\r\nX-Empty:\r\nX-Blank:  \r\n") ==
        "Authorization=Bearer x%0Ay\nHost=a\nX-Blank=\nX-Empty=\n");
  CHECK(fields_of("X!#$%&'*+-.^_`|~9: v\r\n") == "X!#$%&'*+-.^_`|~9=v\n");
  // Repeated names are all kept, in order.
  CHECK(fields_of("X: 1\r\nx: 2\r\n") == "X=1\nx=2\n");
  // A tab inside a value is one, as are bytes past ASCII.
  CHECK(fields_of("K: a\tb \xc3\xa9\r\n") == "K=a\tb \xc3\xa9\n");
}

TEST_CASE("request head: a header value with a control character other than a tab is refused") {
  const std::string values[] = {std::string("chunked\0junk", 12), "a\rb", "a\x01", "\x1b[0m",
                                "a\x7f", "\x0b", "x\r"};
  for (const std::string& value : values) {
    CAPTURE(value);
    CHECK(fields_of("Transfer-Encoding: " + value + "\r\n") == "rejected");
    CHECK(fields_of("Host: a\r\nX: " + value + "\r\nY: 1\r\n") == "rejected");
  }
}

TEST_CASE("request head: header lines a proxy might read otherwise are refused") {
  const char* blocks[] = {
      "A: 1\nB: 2\r\n",                  // a bare LF ends a line
      "Transfer-Encoding : chunked\r\n",  // a blank before the colon
      "Transfer-Encoding\t: chunked\r\n",
      "Host: a\r\n folded: b\r\n",        // a folded line
      "no colon\r\n",
      ": no name\r\n",
      "X(y): 1\r\n",                      // not a token
  };
  for (const char* block : blocks) {
    CAPTURE(block);
    CHECK(fields_of(block) == "rejected");
  }
}

TEST_CASE("request head: a header line over 8 KiB is refused") {
  std::string fits = "X: " + std::string(k_max_header_line_bytes - 5, 'a') + "\r\n";
  CHECK(fields_of(fits) != "rejected");
  CHECK(fields_of("X: " + std::string(k_max_header_line_bytes - 4, 'a') + "\r\n") == "rejected");
}

TEST_CASE("request head: a head that states its body's end in more than one way is refused, each way named") {
  struct Case {
    const char* lines;
    Breach breach;
  };
  const Case cases[] = {
      {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", Breach::length_and_coding},
      {"transfer-encoding: chunked\r\ncontent-length: 5\r\n", Breach::length_and_coding},
      {"Content-Length: 5\r\nContent-Length: 5\r\n", Breach::several_lengths},
      {"Content-Length: 5\r\nContent-Length: x\r\n", Breach::several_lengths},
      {"Content-Length: 5, 5\r\n", Breach::length_not_a_number},
      {"Content-Length: +5\r\n", Breach::length_not_a_number},
      {"Content-Length:\r\n", Breach::length_not_a_number},
      {"Content-Length: 1234567890123456789\r\n", Breach::length_not_a_number},  // 19 digits
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", Breach::several_codings},
      {"Transfer-Encoding: gzip, chunked\r\n", Breach::coding_not_chunked},
      {"Transfer-Encoding: chunked, gzip\r\n", Breach::coding_not_chunked},
      // Judged after each line's end, length, fold, control characters and name.
      {"Content-Length: 5\r\nContent-Length: 5\n", Breach::malformed_head},
      {"Content-Length: 5\r\n Content-Length: 5\r\n", Breach::malformed_head},
      {"Content-Length: 5\r\nContent-Length: 5\x01\r\n", Breach::malformed_head},
      {"Content-Length: 5\r\nContent-Length: 6\r\nX(y): 1\r\n", Breach::malformed_head},
      {"Content-Length\r\n", Breach::malformed_head},
      // A name with a blank before its colon is not Content-Length, and is malformed.
      {"Content-Length : 5\r\nTransfer-Encoding: chunked\r\n", Breach::malformed_head},
  };
  for (const Case& c : cases) {
    CAPTURE(c.lines);
    httplib::Request request;
    CHECK(parse_header_lines(std::string(c.lines) + "\r\n", request) == c.breach);
  }
  // A head refused for its framing still has its fields, for the answer to be made as
  // its client asked.
  httplib::Request refused;
  CHECK(parse_header_lines("X-Stainless-Lang: js\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                           refused) == Breach::several_lengths);
  CHECK(refused.headers.size() == 3);
  CHECK(refused.get_header_value("X-Stainless-Lang") == "js");
  httplib::Request sound;
  CHECK(parse_header_lines("Content-Length: 123456789012345678\r\n\r\n", sound) == Breach::none);
  CHECK(parse_header_lines("Transfer-Encoding: CHUNKED\r\n\r\n", sound) == Breach::none);
}

TEST_CASE("request head: a Connection field is a list of tokens") {
  CHECK(fields_of("Connection: keep-alive, Upgrade\r\n") == "Connection=keep-alive, Upgrade\n");
  CHECK(fields_of("Connection: ,close,\r\n") == "Connection=,close,\n");
  CHECK(fields_of("Connection: close;x\r\n") == "rejected");
  CHECK(fields_of("Connection: \"close\"\r\n") == "rejected");
}

TEST_CASE("request head: the header section ends at its empty line, and nothing follows it") {
  httplib::Request request;
  CHECK(parse_header_lines("Host: a\r\n", request) == Breach::malformed_head);
  CHECK(parse_header_lines("Host: a\r\n\r\nX: 1\r\n", request) == Breach::malformed_head);
  CHECK(parse_header_lines("\r\n", request) == Breach::none);
}
