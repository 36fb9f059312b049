// A client that sends its request and then shuts down its sending side (a half-close,
// as `nc -N` or `curl` with some proxies do) still receives its whole answer.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

using namespace test;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view k_last_chunk = "0\r\n\r\n";

// What comes back to a client that sent `request` and half-closed at once, read until
// the daemon closes the connection.
RawReading half_closed_exchange(GatewayUnderTest& gw, const std::string& request) {
  RawClient client(gw.port());
  REQUIRE(client.connected());
  REQUIRE(client.send(request));
  client.finish_sending();
  return client.read_until_closed(30s);
}

bool ends_with(const std::string& text, std::string_view end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

}  // namespace

TEST_CASE("half-close: a streamed answer of the echo model reaches a client that half-closed, to its end") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json body = chat_request("echo", "one two three four five six");
  body["stream"] = true;
  RawReading reading = half_closed_exchange(gw, raw_chat_request(key, body));
  CHECK(status_of(reading.bytes) == 200);
  CHECK(reading.bytes.find("data: [DONE]\n\n") != std::string::npos);
  CHECK(ends_with(reading.bytes, k_last_chunk));
  CHECK(reading.closed);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  CHECK(gw.log_rows("status, cancelled") ==
        nlohmann::json::array({{{"status", 200}, {"cancelled", 0}}}));
}

TEST_CASE("half-close: a provider's stream reaches a client that half-closed, to its end") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  // The client's half-close comes long before the first event.
  gw.alpha.stream_sse("POST", "/v1/chat/completions",
                      {sse(content_chunk("alpha-shared-v1", "first")),
                       sse(content_chunk("alpha-shared-v1", "second")),
                       sse(usage_chunk("alpha-shared-v1", {10, 2, 0})), k_sse_done},
                      200ms);
  gw.start();
  nlohmann::json body = chat_request("shared");
  body["stream"] = true;
  RawReading reading = half_closed_exchange(gw, raw_chat_request(key, body));
  CHECK(status_of(reading.bytes) == 200);
  CHECK(reading.bytes.find("\"second\"") != std::string::npos);
  CHECK(reading.bytes.find("data: [DONE]\n\n") != std::string::npos);
  CHECK(ends_with(reading.bytes, k_last_chunk));
  CHECK(reading.closed);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  CHECK(gw.log_rows("status, cancelled, completion_tokens") ==
        nlohmann::json::array({{{"status", 200}, {"cancelled", 0}, {"completion_tokens", 2}}}));
}

TEST_CASE("half-close: a whole answer reaches a client that half-closed") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  RawReading reading = half_closed_exchange(gw, raw_chat_request(key, chat_request("echo")));
  CHECK(status_of(reading.bytes) == 200);
  CHECK(reply_in(reading.bytes).body["object"] == "chat.completion");
  CHECK(reading.closed);
}
