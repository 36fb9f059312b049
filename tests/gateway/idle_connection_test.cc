// Connections that send nothing hold up no one: while they wait for a request they hold
// none of the --threads turns, and a new one that sends nothing is closed after the
// first-byte timeout (2 s), shorter than the keep-alive wait (5 s).
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

#include <memory>
#include <vector>

using namespace test;
using namespace std::chrono_literals;

TEST_CASE("idle connections: far more idle connections than --threads hold up no request") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start({"--threads", "4"});
  // Held for the keep-alive wait each, they would keep a request waiting 250 s, far past
  // the client's 10 s read timeout.
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawClient>(gw.port()));
    REQUIRE(idle.back()->connected());
  }
  // Some connections after a request of theirs: idle between requests.
  std::vector<std::unique_ptr<RawClient>> kept;
  for (int i = 0; i < 4; ++i) {
    kept.push_back(std::make_unique<RawClient>(gw.port()));
    REQUIRE(kept.back()->connected());
    kept.back()->send(head("GET", "/healthz"));
    CHECK(reply_in(kept.back()->read_response(30s).bytes) == Reply{200, {{"status", "ok"}}});
  }
  CHECK(gw.get("/healthz", {}) == Reply{200, {{"status", "ok"}}});
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
}

TEST_CASE("idle connections: a new connection that sends nothing is closed before one idle since its answer") {
  GatewayUnderTest gw;
  gw.start();
  RawClient answered(gw.port());
  REQUIRE(answered.connected());
  answered.send(head("GET", "/healthz"));
  REQUIRE(reply_in(answered.read_response(10s).bytes) == Reply{200, {{"status", "ok"}}});
  // Opened after the answer above: with the keep-alive wait, it would be closed after it.
  RawClient silent(gw.port());
  REQUIRE(silent.connected());
  RawReading nothing = silent.read_until_closed(30s);
  CHECK(nothing.bytes.empty());
  CHECK(nothing.closed);
  // The first-byte timeout has passed; the keep-alive wait of the other has not.
  answered.send(head("GET", "/healthz"));
  CHECK(reply_in(answered.read_response(10s).bytes) == Reply{200, {{"status", "ok"}}});
}
