// HTTP at its edges, on raw sockets: slow, oversized, ambiguous and forged requests each
// get a 4xx or a closed connection, memory stays bounded, and the daemon keeps serving.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/http_chunks.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>
#include <thread>

using namespace test;
using namespace std::chrono_literals;

namespace {

// A request that a connection must never answer: it only arrives as the body of another.
const std::string k_smuggled = head("GET", "/v1/models");

// The daemon answers a plain request on a new connection.
bool serves(GatewayUnderTest& gw) {
  return gw.get("/healthz", {}) == Reply{200, {{"status", "ok"}}};
}

}  // namespace

TEST_CASE("http edge: heads trickled on twice the pool's connections are cut at the header timeout while others are served") {
  GatewayUnderTest gw;
  gw.start({"--threads", "8", "--header-timeout", "2s"});
  constexpr int k_slow = 16;
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < k_slow; ++i) {
    slow.push_back(std::make_unique<RawClient>(gw.port()));
    REQUIRE(slow.back()->connected());
    slow.back()->send("GET /healthz HTTP/1.1\r\n");
  }
  // Each slow client sends one more header line every 200 ms, well inside the read
  // timeout, until its connection is answered or closed (at most 30 s).
  std::vector<RawReading> endings(k_slow);
  std::vector<bool> ended(k_slow, false);
  std::thread trickler([&] {
    auto until = std::chrono::steady_clock::now() + 30s;
    int open = k_slow;
    while (open > 0 && std::chrono::steady_clock::now() < until) {
      for (int i = 0; i < k_slow; ++i) {
        if (ended[i]) {
          continue;
        }
        bool sent = slow[i]->send("X-Slow: 1\r\n");
        RawReading reading = slow[i]->read_response(10ms);
        if (!sent || !reading.bytes.empty() || reading.closed) {
          endings[i] = reading.bytes.empty() ? slow[i]->read_until_closed(2s) : reading;
          if (!endings[i].closed) {
            endings[i].closed = slow[i]->read_until_closed(2s).closed;
          }
          ended[i] = true;
          --open;
        }
      }
      std::this_thread::sleep_for(200ms);
    }
  });
  // Queued behind the 16 slow heads, a normal request waits two header timeouts at most.
  Reply normal = gw.get("/healthz", {});
  trickler.join();
  CHECK(normal == Reply{200, {{"status", "ok"}}});
  Reply timeout = reference_error(408, "request_timeout", "The request did not arrive in time");
  for (int i = 0; i < k_slow; ++i) {
    CAPTURE(i);
    CHECK(ended[i]);
    CHECK(endings[i].closed);
    CHECK(reply_in(endings[i].bytes) == timeout);
  }
  CHECK(serves(gw));
}

TEST_CASE("http edge: a body trickled past the body timeout gets 408 and the connection is closed") {
  GatewayUnderTest gw;
  // A key, so that the head is admitted and the body read.
  const std::string auth = "Authorization: Bearer " + gw.create_key().secret + "\r\n";
  gw.start({"--body-timeout", "1s"});
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(head("POST", k_chat, auth + "Content-Type: application/json\r\nContent-Length: 1000\r\n"));
  RawReading reading;
  for (int i = 0; i < 50 && reading.bytes.empty() && !reading.closed; ++i) {
    client.send("{");
    reading = client.read_response(100ms);
  }
  CHECK(reply_in(reading.bytes) == reference_error(408, "request_timeout", "The request did not arrive in time"));
  CHECK(header_of(reading.bytes, "Connection") == "close");
  CHECK(client.read_until_closed(3s).closed);
  CHECK(serves(gw));
}

TEST_CASE("http edge: a body that pauses past the 10 s read timeout gets 408, within the body timeout") {
  GatewayUnderTest gw;
  const std::string auth = "Authorization: Bearer " + gw.create_key().secret + "\r\n";
  gw.start();  // a body timeout of 60 s
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(head("POST", k_chat, auth + "Content-Type: application/json\r\nContent-Length: 1000\r\n"));
  client.send("{");
  RawReading reading = client.read_until_closed(30s);
  CHECK(reply_in(reading.bytes) == reference_error(408, "request_timeout", "The request did not arrive in time"));
  CHECK(header_of(reading.bytes, "Connection") == "close");
  CHECK(reading.closed);
  CHECK(serves(gw));
}

TEST_CASE("http edge: bodies over --max-body get 413, whether sized or chunked, and memory stays bounded") {
  GatewayUnderTest gw;
  // A key, so that the head is admitted and the body read.
  const std::string auth = "Authorization: Bearer " + gw.create_key().secret + "\r\n";
  gw.start({"--max-body", "1M"});
  Reply too_large = reference_error(413, "request_too_large", "Request body is larger than the limit");
  SUBCASE("Content-Length over the limit") {
    check_one_answer_then_closed(
        gw, head("POST", k_chat, auth + "Content-Length: 1048577\r\n") + std::string(1048577, 'x'),
        too_large);
  }
  SUBCASE("a chunked body that never ends") {
    long before = resident_kib(gw.daemon().pid());
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(head("POST", k_chat, auth + "Transfer-Encoding: chunked\r\n"));
    // 256 MiB unless the daemon stops taking it; without a bound it would hold them all.
    std::string piece = chunk(std::string(64 << 10, 'x'));
    int sent = 0;
    while (sent < 4096 && client.send(piece)) {
      ++sent;
    }
    CHECK(sent < 4096);
    RawReading reading = client.read_until_closed(5s);
    // The answer may be lost to a reset while the client is still sending; then the
    // connection is closed, which is the other acceptable outcome.
    if (!reading.bytes.empty()) {
      CHECK(reply_in(reading.bytes) == too_large);
    }
    CHECK(reading.closed);
    long after = resident_kib(gw.daemon().pid());
    CHECK(after - before < 64 * 1024);
  }
  SUBCASE("a chunked body that decodes to more than the limit") {
    // Within the bytes allowed for chunk framing on top of the limit, but over the limit.
    std::string body;
    for (int i = 0; i < 17; ++i) {
      body += chunk(std::string(64 << 10, 'x'));
    }
    check_one_answer_then_closed(
        gw, head("POST", k_chat, auth + "Transfer-Encoding: chunked\r\n") + body + "0\r\n\r\n",
        too_large);
  }
  SUBCASE("bodies announced whole but not sent hold no memory") {
    long before = resident_kib(gw.daemon().pid());
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 64; ++i) {
      clients.push_back(std::make_unique<RawClient>(gw.port()));
      REQUIRE(clients.back()->connected());
      clients.back()->send(head("POST", k_chat, auth + "Content-Length: 1048576\r\n") + "{");
    }
    CHECK(serves(gw));  // every head above has been read by now, or is being read
    long after = resident_kib(gw.daemon().pid());
    CHECK(after - before < 32 * 1024);  // reserving the announced lengths would be 64 MiB
  }
  CHECK(serves(gw));
}

TEST_CASE("http edge: a chunked body within the limit is read and served, and the connection serves on") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  std::string body = chat_request("echo").dump();
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(head("POST", k_chat,
                   "Authorization: Bearer " + key.secret +
                       "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n") +
              chunk(body.substr(0, 10)) + chunk(body.substr(10)) + "0\r\n\r\n");
  RawReading reading = client.read_response(5s);
  CHECK(status_of(reading.bytes) == 200);
  CHECK(reply_in(reading.bytes).body["object"] == "chat.completion");
  // The connection stays usable for the next request, even one after an empty line
  // (some clients end a body with a CRLF).
  client.send(head("GET", "/healthz"));
  CHECK(reply_in(client.read_response(5s).bytes) == Reply{200, {{"status", "ok"}}});
  client.send("\r\n\r\n" + head("GET", "/healthz"));
  CHECK(reply_in(client.read_response(5s).bytes) == Reply{200, {{"status", "ok"}}});
}

TEST_CASE("http edge: Expect: 100-continue is answered only once the body will be read") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start({"--max-body", "1K"});
  std::string json = chat_request("echo").dump();
  {
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(expecting_chat_head(key, json.size()));
    RawReading invited = client.read_response(5s);
    CHECK(invited.bytes == "HTTP/1.1 100 Continue\r\n\r\n");
    client.send(json);
    CHECK(status_of(client.read_response(5s).bytes) == 200);
  }
  // Refused before the body: a final answer, no invitation to send it.
  check_one_answer_then_closed(
      gw, head("POST", "/v1/nope", "Expect: 100-continue\r\nContent-Length: 5\r\n"),
      reference_error(404, "not_found", "Not found: /v1/nope"));
  check_one_answer_then_closed(
      gw, head("POST", k_chat, "Expect: 100-continue\r\nContent-Length: 2048\r\n"),
      reference_error(413, "request_too_large", "Request body is larger than the limit"));
}

TEST_CASE("http edge: a POST without Content-Length gets 411, and what follows is never read as a request") {
  GatewayUnderTest gw;
  gw.start();
  check_one_answer_then_closed(
      gw, head("POST", k_chat, "Content-Type: application/json\r\n") + k_smuggled,
      reference_error(411, "length_required", "A request body needs a Content-Length"));
  CHECK(serves(gw));
}

TEST_CASE("http edge: a gzip body that would inflate 256-fold is refused with 415 before it is read") {
  GatewayUnderTest gw;
  gw.start({"--max-body", "1M"});
  // 64 MiB of zeros in ~64 KiB: under the limit as sent, 64 times over it inflated.
  std::string bomb;
  httplib::detail::gzip_compressor compressor;
  std::string zeros(1 << 20, '\0');
  for (int i = 0; i < 64; ++i) {
    REQUIRE(compressor.compress(zeros.data(), zeros.size(), i == 63, [&](const char* data, std::size_t size) {
      bomb.append(data, size);
      return true;
    }));
  }
  REQUIRE(bomb.size() < (1 << 20));
  long before = resident_kib(gw.daemon().pid());
  check_one_answer_then_closed(
      gw,
      head("POST", k_chat,
           "Content-Encoding: gzip\r\nContent-Length: " + std::to_string(bomb.size()) + "\r\n") +
          bomb,
      reference_error(415, "unsupported_content_encoding",
                      "Request bodies must be sent uncompressed, without Content-Encoding"));
  CHECK(resident_kib(gw.daemon().pid()) - before < 32 * 1024);
  CHECK(serves(gw));
}

TEST_CASE("http edge: oversized heads: a header line, the head, the header count, the URI, the request line") {
  GatewayUnderTest gw;
  gw.start();
  SUBCASE("a header line over 8 KiB") {
    check_one_answer_then_closed(gw, head("GET", "/healthz", "X-Big: " + std::string(9000, 'a') + "\r\n"),
                                 reference_error(400, "bad_request", "Malformed HTTP request"));
  }
  SUBCASE("a head over 32 KiB") {
    std::string headers;
    for (int i = 0; i < 40; ++i) {
      headers += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'a') + "\r\n";
    }
    check_one_answer_then_closed(gw, head("GET", "/healthz", headers),
                                 reference_error(431, "headers_too_large",
                                                 "The request headers are too large"));
  }
  SUBCASE("more than 100 headers, read whole, so the connection serves on") {
    std::string headers;
    for (int i = 0; i < 150; ++i) {
      headers += "X-H" + std::to_string(i) + ": 1\r\n";
    }
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(head("GET", "/healthz", headers) + head("GET", "/healthz"));
    CHECK(reply_in(client.read_response(5s).bytes) ==
          reference_error(431, "headers_too_large", "More than 100 request headers"));
    CHECK(reply_in(client.read_response(5s).bytes) == Reply{200, {{"status", "ok"}}});
  }
  SUBCASE("a URI over 8 KiB") {
    check_one_answer_then_closed(gw, head("GET", "/healthz?" + std::string(9000, 'a')),
                                 reference_error(414, "uri_too_long", "Request URI is too long"));
  }
  SUBCASE("a request line over 32 KiB is not answered") {
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(head("GET", "/" + std::string(40000, 'a')));
    RawReading reading = client.read_until_closed(5s);
    CHECK(reading.bytes.empty());
    CHECK(reading.closed);
  }
  CHECK(serves(gw));
}

TEST_CASE("http edge: duplicate and conflicting Content-Length and Transfer-Encoding get 400") {
  GatewayUnderTest gw;
  gw.start();
  struct Case {
    std::string headers;
    std::string message;
  };
  const Case cases[] = {
      {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
       "Content-Length and Transfer-Encoding must not both be sent"},
      {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
       "Content-Length and Transfer-Encoding must not both be sent"},
      {"Content-Length: 5\r\nContent-Length: 5\r\n", "More than one Content-Length header"},
      {"Content-Length: 5\r\nContent-Length: 40\r\n", "More than one Content-Length header"},
      {"Content-Length: abc\r\n", "Content-Length must be a number of bytes"},
      {"Content-Length: -1\r\n", "Content-Length must be a number of bytes"},
      {"Content-Length: +5\r\n", "Content-Length must be a number of bytes"},
      {"Transfer-Encoding: gzip, chunked\r\n", "The only Transfer-Encoding accepted is chunked"},
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
       "More than one Transfer-Encoding header"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.headers);
    check_one_answer_then_closed(gw, head("POST", k_chat, c.headers) + "0\r\n\r\n" + k_smuggled,
                                 reference_error(400, "bad_request", c.message));
  }
  // Refused as any request is: in the envelope its client asked for, after the checks
  // that come first.
  check_one_answer_then_closed(
      gw,
      head("POST", k_chat, "X-Stainless-Lang: js\r\nContent-Length: 5\r\nContent-Length: 5\r\n") +
          k_smuggled,
      openai_error(400, "More than one Content-Length header", "invalid_request_error",
                   "bad_request"));
  std::string many;
  for (int i = 0; i < 150; ++i) {
    many += "X-H" + std::to_string(i) + ": 1\r\n";
  }
  check_one_answer_then_closed(
      gw, head("POST", k_chat, many + "Transfer-Encoding: gzip\r\n") + k_smuggled,
      reference_error(431, "headers_too_large", "More than 100 request headers"));
  CHECK(serves(gw));
}

TEST_CASE("http edge: a request answered before its body arrives ends its connection, and its body is never a request") {
  GatewayUnderTest gw;
  gw.start({"--max-body", "1K"});
  std::string body = k_smuggled + std::string(2000 - k_smuggled.size(), '\n');
  SUBCASE("404, 405, 401, and a GET that carries a body") {
    struct Case {
      std::string head;
      Reply answer;
    };
    const Case cases[] = {
        {head("POST", "/v1/nowhere", "Content-Length: 2000\r\n"),
         reference_error(404, "not_found", "Not found: /v1/nowhere")},
        {head("POST", "/v1/models", "Content-Length: 2000\r\n"),
         reference_error(405, "method_not_allowed",
                         "Method POST is not allowed on /v1/models; use GET")},
        {head("POST", k_chat, "Content-Length: 1000\r\n"),
         reference_error(401, "missing_api_key",
                         "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>")},
        {head("GET", "/healthz", "Content-Length: 2000\r\n"), Reply{200, {{"status", "ok"}}}},
    };
    for (const Case& c : cases) {
      CAPTURE(c.head);
      RawClient client(gw.port());
      REQUIRE(client.connected());
      client.send(c.head);
      RawReading answer = client.read_response(5s);
      CHECK(reply_in(answer.bytes) == c.answer);
      CHECK(header_of(answer.bytes, "Connection") == "close");
      client.send(body);  // may fail: the daemon is closing
      RawReading rest = client.read_until_closed(5s);
      CHECK(rest.bytes.empty());
      CHECK(rest.closed);
    }
  }
  SUBCASE("413 for a declared length over the limit, answered once the body is in") {
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(head("POST", k_chat, "Content-Length: 2000\r\n"));
    std::this_thread::sleep_for(200ms);
    client.send(body);
    RawReading reading = client.read_until_closed(5s);
    CHECK(reply_in(reading.bytes) ==
          reference_error(413, "request_too_large", "Request body is larger than the limit"));
    CHECK(response_count(reading.bytes) == 1);
    CHECK(reading.closed);
  }
  CHECK(serves(gw));
}

TEST_CASE("http edge: CR, LF, NUL and other control characters in a key get 401 percent-encoded, 400 raw") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  std::string json = chat_request("echo").dump();
  for (const std::string& raw : {std::string(1, '\0'), std::string("\r"), std::string("\x7f")}) {
    CAPTURE(raw);
    std::string secret = key.secret.substr(0, 20) + raw + key.secret.substr(20);
    check_one_answer_then_closed(gw,
                                 head("POST", k_chat,
                                      "Authorization: Bearer " + secret + "\r\nContent-Length: " +
                                          std::to_string(json.size()) + "\r\n") +
                                     json,
                                 reference_error(400, "bad_request", "Malformed HTTP request"));
  }
  const std::string insertions[] = {"%00", "%0D%0ASet-Cookie:%20a=b", "%0A", "%0D", "%09", "%7F",
                                    "%1B"};
  for (const std::string& insertion : insertions) {
    CAPTURE(insertion);
    std::string secret = key.secret.substr(0, 20) + insertion + key.secret.substr(20);
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(head("POST", k_chat,
                     "Authorization: Bearer " + secret + "\r\nContent-Length: " +
                         std::to_string(json.size()) + "\r\n") +
                json);
    RawReading reading = client.read_response(5s);
    CHECK(reply_in(reading.bytes) ==
          reference_error(401, "malformed_api_key",
                          "Malformed API key: expected llmgtwy_ followed by 40 letters and digits"));
    CHECK(reading.bytes.find("Set-Cookie") == std::string::npos);
  }
  CHECK(gw.log_rows("id").empty());
  CHECK(serves(gw));
}
