#include "daemon/http/body_decoder.h"

#include "daemon/upstream/upstream_error.h"

#include <doctest/doctest.h>

using namespace llmgw::daemon;

namespace {

BodyDecoder decoder_for(std::string_view head, std::string_view method = "POST") {
  return BodyDecoder::for_response(parse_response_head(head), method);
}

// Feeds `wire` in slices of `step` bytes, as a socket might deliver it, keeping unused
// bytes in `pending` for the next call like the connection buffer does.
void feed_in_steps(BodyDecoder& decoder, std::string_view wire, std::size_t step,
                   std::string& pending, std::string& body) {
  for (std::size_t at = 0; at < wire.size() && !decoder.done(); at += step) {
    pending.append(wire.substr(at, step));
    std::size_t used;
    while ((used = decoder.decode(pending, body)) > 0) {
      pending.erase(0, used);
    }
  }
}

// What `decoder` makes of `wire` fed in slices of `step`, rendered.
std::string decode_in_steps(BodyDecoder&& decoder, std::string_view wire, std::size_t step) {
  std::string pending;
  std::string body;
  try {
    feed_in_steps(decoder, wire, step, pending, body);
    if (!decoder.done()) {
      decoder.end_of_input();
    }
  } catch (const MalformedResponse& malformed) {
    const UpstreamError error = upstream_error_of(malformed);  // as the client reports it
    return body + " | " + to_string(error.failure()) + ": " + error.what();
  }
  return body + " | done, left '" + pending + "'";
}

constexpr std::string_view k_chunked_head =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

}  // namespace

TEST_CASE("body decoder: framing follows RFC 9112 section 6.3") {
  CHECK(decoder_for("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD").framing() ==
        BodyFraming::none);
  CHECK(decoder_for("HTTP/1.1 204 No Content\r\n\r\n").framing() == BodyFraming::none);
  CHECK(decoder_for("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n").framing() ==
        BodyFraming::none);
  CHECK(decoder_for("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n").framing() ==
        BodyFraming::length);
  CHECK(decoder_for("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").done());
  CHECK(decoder_for("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n").framing() ==
        BodyFraming::length);
  CHECK(decoder_for("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n").framing() ==
        BodyFraming::chunked);
  CHECK(decoder_for("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n").framing() ==
        BodyFraming::until_close);
  CHECK(decoder_for("HTTP/1.0 200 OK\r\n\r\n").framing() == BodyFraming::until_close);
}

TEST_CASE("body decoder: ambiguous lengths are protocol errors") {
  auto error_of = [](std::string_view head) {
    try {
      decoder_for(head);
    } catch (const MalformedResponse& error) {
      CHECK(error.kind() == MalformedResponse::Kind::malformed);
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        "malformed response: both Content-Length and Transfer-Encoding");
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") ==
        "malformed response: differing Content-Length values");
  // Repeated values must be identical, not only equal as numbers.
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Length: 3, 03\r\n\r\n") ==
        "malformed response: differing Content-Length values");
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\n") == "no error");
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") ==
        "malformed response: bad Content-Length");
  CHECK(error_of("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n") ==
        "malformed response: bad Content-Length");
}

TEST_CASE("body decoder: Content-Length bodies stop at their length") {
  const std::string_view head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  CHECK(decode_in_steps(decoder_for(head), "helloEXTRA", 3) == "hello | done, left 'E'");
  CHECK(decode_in_steps(decoder_for(head), "hel", 2) ==
        "hel | reset: connection closed before the end of the body");
}

TEST_CASE("body decoder: a provider's chunked body is decoded (daemon/http/chunked_body.h)") {
  for (std::size_t step : {1, 3, 64}) {
    CAPTURE(step);
    CHECK(decode_in_steps(decoder_for(k_chunked_head), "5\r\nhello\r\n0\r\n\r\nEXTRA", step) ==
          "hello | done, left '" + std::string(step == 64 ? "EXTRA" : "") + "'");
  }
  CHECK(decode_in_steps(decoder_for(k_chunked_head), "zz\r\nhello\r\n", 4) ==
        " | protocol: malformed response: bad chunk size");
  CHECK(decode_in_steps(decoder_for(k_chunked_head), "3\r\nhello\r\n0\r\n\r\n", 4) ==
        "hel | protocol: malformed response: chunk data longer than its size");
  // A bare LF is refused from a provider as from a client.
  CHECK(decode_in_steps(decoder_for(k_chunked_head), "3\nabc\n0\n\n", 64) ==
        " | protocol: malformed response: a chunk-size or trailer line ends in a bare LF");
  CHECK(decode_in_steps(decoder_for(k_chunked_head), "5\r\nab", 4) ==
        "ab | reset: connection closed before the end of the body");
}

TEST_CASE("body decoder: until-close bodies end with the connection") {
  CHECK(decode_in_steps(decoder_for("HTTP/1.0 200 OK\r\n\r\n"), "all of it", 4) ==
        "all of it | done, left ''");
}

TEST_CASE("body decoder: a client's malformed chunked body throws MalformedRequestBody") {
  BodyDecoder decoder = BodyDecoder::chunked();
  std::string body;
  CHECK(decoder.decode("5\r\nhello\r\n", body) == 8);
  CHECK(body == "hello");
  CHECK_THROWS_WITH_AS(decoder.decode("\r\n0\n\r\n", body),
                       "malformed request body: a chunk-size or trailer line ends in a bare LF",
                       MalformedRequestBody);
}
