// Whose address a request is logged with: the connection's peer, whatever the client
// claims in REMOTE_ADDR, X-Forwarded-For and the like; behind a trusted proxy, what that
// proxy appended to X-Forwarded-For (daemon/http/client_address.h).
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/db_dump.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

using namespace test;
using namespace std::chrono_literals;

TEST_CASE("client address: REMOTE_ADDR and X-Forwarded-For sent by a client are neither trusted nor logged") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  const std::string forged = "203.0.113.77";
  std::string json = chat_request("echo").dump();
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(head("POST", k_chat,
                   "Authorization: Bearer " + key.secret + "\r\nREMOTE_ADDR: " + forged +
                       "\r\nREMOTE_PORT: 1\r\nX-Forwarded-For: " + forged +
                       "\r\nX-Real-IP: " + forged + "\r\nForwarded: for=" + forged +
                       "\r\nContent-Length: " + std::to_string(json.size()) + "\r\n") +
              json);
  CHECK(status_of(client.read_response(5s).bytes) == 200);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  REQUIRE(eventually([&] { return gw.daemon().stderr_text().find("\"status\":200") != std::string::npos; }));
  CHECK(gw.daemon().stderr_text().find(forged) == std::string::npos);
  CHECK(dump_database(gw.db()).find(forged) == std::string::npos);
  // The socket's peer is the client.
  CHECK(gw.log_rows("client_address") ==
        nlohmann::json::parse(R"([{"client_address": "127.0.0.1"}])"));
  CHECK(gw.daemon().stderr_text().find("\"client_address\":\"127.0.0.1\"") != std::string::npos);
}

TEST_CASE("client address: behind a trusted proxy, the client is the first address from the right "
          "of X-Forwarded-For that the proxies do not hold") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start({"--trusted-proxy", "127.0.0.0/8", "--trusted-proxy", "2001:db8:ffff::/48"});
  const std::string json = chat_request("echo").dump();
  const std::vector<std::string> forwarded = {
      "192.0.2.66, 203.0.113.7, 127.0.0.9",  // the client forged the first
      "192.0.2.66, 2001:DB8::7, 2001:db8:ffff::2",
      "203.0.113.7, unknown",  // not an address: the trusted peer is the client
  };
  for (const std::string& hops : forwarded) {
    RawClient client(gw.port());
    REQUIRE(client.connected());
    client.send(head("POST", k_chat,
                     "Authorization: Bearer " + key.secret + "\r\nX-Forwarded-For: " + hops +
                         "\r\nContent-Length: " + std::to_string(json.size()) + "\r\n") +
                json);
    CHECK(status_of(client.read_response(5s).bytes) == 200);
  }
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 3; }));
  CHECK(gw.log_rows("client_address") ==
        nlohmann::json::parse(R"([{"client_address": "203.0.113.7"},
                                  {"client_address": "2001:db8::7"},
                                  {"client_address": "127.0.0.1"}])"));
}
