// Upstream answers below 300 that carry no completion llmgw can relay: any status but 200
// (101, 204, 205, another 2xx) and a Content-Encoding llmgw did not ask for. Each is a 502
// upstream_error, streaming or not, logged, with nothing left reserved. The provider may
// have run the request, with usage llmgw cannot read: it is billed its cost bound.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/raw_upstream.h"

#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

using namespace test;

namespace {

// The answer to a chat request, streaming or not, from an upstream that answers every
// request with `head_and_body`; then the log rows of both requests.
void check_refused(const std::string& head_and_body, const std::string& message) {
  RawUpstream upstream([&](RawConnection& connection) {
    if (!connection.read_request().empty()) {
      connection.send(head_and_body);
    }
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = upstream.base_url() + "/v1";
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  const Reply expected = reference_error(502, "upstream_error", message);
  nlohmann::json body = chat_request("premium");
  CHECK(gw.chat(key, body) == expected);
  body["stream"] = true;
  CHECK(gw.chat(key, body) == expected);
  const std::int64_t bound = cost_bound_of(k_premium, body);  // `stream` is not billed
  nlohmann::json row = {{"provider", "alpha"}, {"status", 502}, {"error_code", "upstream_error"},
                        {"cost", bound}, {"estimated", 1}};
  CHECK(gw.log_rows("provider, status, error_code, cost, estimated") ==
        nlohmann::json::array({row, row}));
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}

}  // namespace

TEST_CASE("upstream status: 204 No Content is a 502") {
  check_refused("HTTP/1.1 204 No Content\r\n\r\n",
                "Provider alpha answered HTTP 204, which carries no completion");
}

TEST_CASE("upstream status: 205 Reset Content is a 502") {
  check_refused("HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n",
                "Provider alpha answered HTTP 205, which carries no completion");
}

TEST_CASE("upstream status: 101 Switching Protocols is a 502") {
  check_refused("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
                "Provider alpha answered HTTP 101, which carries no completion");
}

TEST_CASE("upstream status: a 2xx other than 200, with a body, is a 502") {
  const std::string body = completion_json("premium-upstream", "accepted", {10, 2, 0});
  check_refused("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body,
                "Provider alpha answered HTTP 202, which carries no completion");
}

TEST_CASE("upstream status: a Content-Encoding llmgw did not ask for is a 502, never garbled "
          "bytes") {
  const std::string gzipped("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbled", 17);
  check_refused("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                "Content-Length: 17\r\n\r\n" + gzipped,
                "Provider alpha answered with Content-Encoding gzip, which llmgw does not decode");
}

TEST_CASE("upstream status: Content-Encoding identity is relayed as usual") {
  const std::string body = completion_json("premium-upstream", "plain", {10, 2, 0});
  RawUpstream upstream([&](RawConnection& connection) {
    if (!connection.read_request().empty()) {
      connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      "Content-Encoding: identity\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = upstream.base_url() + "/v1";
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("premium")) == Reply{200, nlohmann::json::parse(body)});
}

TEST_CASE("upstream status: a whole answer that is not a JSON object is a 502, billed its cost "
          "bound") {
  const std::vector<std::string> bodies = {"", "<html>Bad gateway</html>", "[1,2]",
                                           R"({"id":"chatcmpl-1","choices":[)"};
  RawUpstream upstream([&, next = std::make_shared<std::atomic<std::size_t>>(0)](
                           RawConnection& connection) {
    if (!connection.read_request().empty()) {
      const std::string& body = bodies.at((*next)++ % bodies.size());
      connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = upstream.base_url() + "/v1";
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  const nlohmann::json body = chat_request("premium");
  for (const std::string& answer : bodies) {
    CAPTURE(answer);
    CHECK(gw.chat(key, body) ==
          reference_error(502, "upstream_error",
                          "Provider alpha answered HTTP 200 with a body that is not a JSON "
                          "object"));
  }
  nlohmann::json row = {{"status", 502}, {"error_code", "upstream_error"},
                        {"cost", cost_bound_of(k_premium, body)}, {"estimated", 1}};
  CHECK(gw.log_rows("status, error_code, cost, estimated") ==
        nlohmann::json::array({row, row, row, row}));
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}
