// Framing a proxy in front could read otherwise is refused with 400 and ends the
// connection: control characters in header values, chunk lines without CRLF, an
// HTTP/1.1 request without exactly one Host.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

using namespace test;
using namespace std::chrono_literals;

namespace {

const Reply k_malformed = reference_error(400, "bad_request", "Malformed HTTP request");

// A request that may only ever arrive as the body of another.
const std::string k_smuggled = head("GET", "/v1/models");

std::string chunked_chat_head(const TestKey& key) {
  return head("POST", k_chat,
              "Authorization: Bearer " + key.secret +
                  "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
}

}  // namespace

TEST_CASE("strict framing: a header value with NUL, a bare CR or another control character gets 400 and the connection ends") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  const std::string values[] = {std::string("a\0b", 3), "a\rb", "a\x01" "b", "\x1b[1m", "a\x7f",
                                "a\x0b" "b"};
  for (const std::string& value : values) {
    CAPTURE(value);
    // A request without a body, which would otherwise keep its connection.
    check_one_answer_then_closed(gw, head("GET", "/healthz", "X-Note: " + value + "\r\n") + k_smuggled,
                                 k_malformed);
  }
  // Not taken for chunked: the whole value is refused, whatever precedes the NUL.
  std::string body = chat_request("echo").dump();
  check_one_answer_then_closed(
      gw,
      head("POST", k_chat,
           "Authorization: Bearer " + key.secret + "\r\nTransfer-Encoding: chunked" +
               std::string(1, '\0') + "junk\r\n") +
          "0\r\n\r\n" + k_smuggled,
      k_malformed);
  CHECK(gw.log_rows("id").empty());
  // A tab inside a value is allowed.
  CHECK(gw.get("/healthz", {{"X-Note", "a\tb"}}) == Reply{200, {{"status", "ok"}}});
}

TEST_CASE("strict framing: a chunk line of a request body that ends in a bare LF, holds a "
          "control character or breaks the chunked grammar gets 400 and the connection ends") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  std::string json = chat_request("echo").dump();
  char size[32];
  std::snprintf(size, sizeof size, "%zx", json.size());
  const std::string bodies[] = {
      std::string(size) + "\n" + json + "\r\n0\r\n\r\n",      // the chunk-size line
      std::string(size) + "\r\n" + json + "\n0\r\n\r\n",      // the chunk's data
      std::string(size) + "\r\n" + json + "\r\n0\n\r\n",      // the last chunk
      std::string(size) + "\r\n" + json + "\r\n0\r\nX: 1\n\r\n",  // a trailer line
      std::string(size) + "\r\n" + json + "\r\n0\r\n\n",      // the end of the trailers
      std::string(size) + ";a\rb\r\n" + json + "\r\n0\r\n\r\n",  // a bare CR in an extension
      std::string(size) + " \r\n" + json + "\r\n0\r\n\r\n",  // a blank ending the line
      std::string(size) + "\r\n" + json + "\r\n0\r\nContent-Length: 5\r\n\r\n",  // framing
      std::string(size) + "\r\n" + json + "\r\n0\r\nX: 1\r\n 2\r\n\r\n",  // a folded trailer
  };
  for (const std::string& body : bodies) {
    CAPTURE(body);
    check_one_answer_then_closed(gw, chunked_chat_head(key) + body + k_smuggled, k_malformed);
  }
  CHECK(gw.log_rows("id").empty());
  // The same body with CRLFs is served.
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(chunked_chat_head(key) + size + "\r\n" + json + "\r\n0\r\n\r\n");
  CHECK(status_of(client.read_response(10s).bytes) == 200);
}

TEST_CASE("strict framing: an HTTP/1.1 request needs exactly one Host, HTTP/1.0 may send none") {
  GatewayUnderTest gw;
  gw.start();
  check_one_answer_then_closed(gw, "GET /healthz HTTP/1.1\r\n\r\n" + k_smuggled,
                               reference_error(400, "bad_request",
                                               "An HTTP/1.1 request needs a Host header"));
  check_one_answer_then_closed(
      gw, "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + k_smuggled,
      reference_error(400, "bad_request", "More than one Host header"));
  check_one_answer_then_closed(
      gw, "GET /healthz HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n" + k_smuggled,
      reference_error(400, "bad_request", "More than one Host header"));
  // HTTP/1.0 without Host is served (and, without keep-alive, closed after).
  check_one_answer_then_closed(gw, "GET /healthz HTTP/1.0\r\n\r\n", Reply{200, {{"status", "ok"}}});
}
