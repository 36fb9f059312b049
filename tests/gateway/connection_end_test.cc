// How a connection ends: a Connection header read as a list, HTTP/1.0 keep-alive and
// streams, and a client that ends its side after a request.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

using namespace test;
using namespace std::chrono_literals;

TEST_CASE("connection end: a Connection header listing close, among other options or lines, ends the "
          "connection after the answer, HTTP/1.0 keeps it only when it lists keep-alive") {
  GatewayUnderTest gw;
  gw.start();
  const Reply healthy{200, {{"status", "ok"}}};
  // The request after it, sent at once, is never answered.
  for (const std::string& options : {std::string("Connection: TE, close\r\n"),
                                     std::string("Connection: TE\r\nConnection: Close\r\n")}) {
    CAPTURE(options);
    check_one_answer_then_closed(gw, head("GET", "/healthz", "TE: trailers\r\n" + options) +
                                         head("GET", "/healthz"), healthy);
  }
  const std::string plain_1_0 = "GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  check_one_answer_then_closed(gw, plain_1_0 + plain_1_0, healthy);
  // Answered before its body is read, a request ends its connection whatever it asked.
  check_one_answer_then_closed(
      gw, "POST " + k_chat + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
          "Content-Length: 999999999\r\n\r\n" + plain_1_0,
      reference_error(413, "request_too_large", "Request body is larger than the limit"));
  const std::string kept_1_0 =
      "GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: TE, Keep-Alive\r\nTE: trailers\r\n\r\n";
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(kept_1_0 + kept_1_0);
  RawReading reading = client.read_until_closed(1s);
  CHECK(response_count(reading.bytes) == 2);
  CHECK_FALSE(reading.closed);
  CHECK(header_of(reading.bytes, "Connection") == "keep-alive");
}

TEST_CASE("connection end: a client that ends its side after a request gets the answer, and the "
          "connection ends then, not at the keep-alive timeout") {
  GatewayUnderTest gw;
  gw.start();
  for (const std::string& before : {std::string(), head("GET", "/healthz")}) {
    CAPTURE(before.size());
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(before);
    if (!before.empty()) {  // a first request on its own, then one ended with the input
      CHECK(reply_in(client.read_response(5s).bytes) == Reply{200, {{"status", "ok"}}});
    }
    client.send(head("GET", "/healthz"));
    client.finish_sending();
    // Well inside the 5 s keep-alive timeout.
    RawReading reading = client.read_until_closed(2s);
    CHECK(reply_in(reading.bytes) == Reply{200, {{"status", "ok"}}});
    CHECK(response_count(reading.bytes) == 1);
    CHECK(reading.closed);
  }
}

TEST_CASE("connection end: a stream to an HTTP/1.0 client is sent as it is, not chunked, and ends "
          "with the connection") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json body = chat_request("echo");
  body["stream"] = true;
  const std::string text = body.dump();
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send("POST " + k_chat + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
              "Authorization: Bearer " + key.secret + "\r\nContent-Type: application/json\r\n"
              "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text);
  RawReading reading = client.read_until_closed(5s);
  CHECK(reading.closed);
  CHECK(status_of(reading.bytes) == 200);
  CHECK(header_of(reading.bytes, "Connection") == "close");
  CHECK(header_of(reading.bytes, "Transfer-Encoding").empty());
  const std::string events = reading.bytes.substr(reading.bytes.find("\r\n\r\n") + 4);
  CHECK(events.rfind("data: {", 0) == 0);
  CHECK(events.size() > 20);
  CHECK(events.substr(events.size() - 14) == "data: [DONE]\n\n");
}
