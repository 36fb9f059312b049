// allow_ips and deny_ips at the gateway: checked after the key's status and before its
// budget, on the client's address (daemon/http/client_address.h), for every route a key
// opens, and a refused request consumes nothing.
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const nlohmann::json k_chat_body = chat_request("echo");

std::string first_rule(GatewayUnderTest& gw, const TestKey& key) {
  return nlohmann::json::parse(gw.cli({"--json", "key", "rule", "list", key.id}))["rules"][0]["id"];
}

Reply denied(const std::string& address, const std::string& which, const std::string& rule_id) {
  return reference_error(403, "permission_denied",
                         "Access denied: Client address " + address + " is " + which +
                             " addresses list",
                         {{"rule_id", rule_id}});
}

}  // namespace

TEST_CASE("address rules: the socket's peer is checked, whatever X-Forwarded-For says") {
  GatewayUnderTest gw;
  TestKey office = gw.create_key({"--allow-ip", "203.0.113.0/24", "--limit", "5"});
  TestKey local_denied = gw.create_key({"--deny-ip", "127.0.0.0/8"});
  gw.start();
  const std::string office_rule = first_rule(gw, office);
  const Reply not_allowed = denied("127.0.0.1", "not in the allowed", office_rule);
  CHECK(gw.chat(office, k_chat_body) == not_allowed);
  // A client that claims an allowed address is not believed: no proxy is trusted.
  CHECK(gw.chat(office, k_chat_body, {{"X-Forwarded-For", "203.0.113.7"}}) == not_allowed);
  CHECK(reply_of(gw.client().Get("/v1/models", bearer(office))) == not_allowed);
  CHECK(reply_of(gw.client().Get("/v1/key", bearer(office))) == not_allowed);
  CHECK(gw.chat(local_denied, k_chat_body) ==
        denied("127.0.0.1", "in the denied", first_rule(gw, local_denied)));
  // Refused before anything is held or logged but the access-log line.
  CHECK(gw.log_rows("id").empty());
  CHECK(eventually([&] {
    const std::string log = gw.daemon().stderr_text();
    return log.find(R"("error_code":"permission_denied")") != std::string::npos &&
           log.find(R"("client_address":"127.0.0.1")") != std::string::npos;
  }));
  CHECK(nlohmann::json::parse(gw.cli({"--json", "key", "show", office.id}))["usage"] == "0");
  // A rule added with the CLI holds from the next request.
  gw.cli({"key", "rule", "add", office.id, "--allow-ip", "127.0.0.1"});
  CHECK(gw.chat(office, k_chat_body).status == 200);
  CHECK(gw.log_rows("client_address") ==
        nlohmann::json::parse(R"([{"client_address": "127.0.0.1"}])"));
}

TEST_CASE("address rules: behind a trusted proxy, the forwarded address is checked, IPv6 "
          "included") {
  GatewayUnderTest gw;
  TestKey office = gw.create_key({"--allow-ip", "203.0.113.0/24,2001:db8:1::/48"});
  TestKey blocked = gw.create_key({"--deny-ip", "2001:db8::/32"});
  gw.start({"--trusted-proxy", "127.0.0.1"});
  CHECK(gw.chat(office, k_chat_body, {{"X-Forwarded-For", "203.0.113.7"}}).status == 200);
  CHECK(gw.chat(office, k_chat_body, {{"X-Forwarded-For", "2001:db8:1::9"}}).status == 200);
  // The client forged the leftmost address; the proxy appended the real one.
  CHECK(gw.chat(office, k_chat_body, {{"X-Forwarded-For", "203.0.113.7, 198.51.100.4"}}) ==
        denied("198.51.100.4", "not in the allowed", first_rule(gw, office)));
  CHECK(gw.chat(blocked, k_chat_body, {{"X-Forwarded-For", "2001:DB8::5"}}) ==
        denied("2001:db8::5", "in the denied", first_rule(gw, blocked)));
  CHECK(gw.chat(blocked, k_chat_body, {{"X-Forwarded-For", "2001:db9::5"}}).status == 200);
  CHECK(gw.log_rows("client_address") ==
        nlohmann::json::parse(R"([{"client_address": "203.0.113.7"},
                                  {"client_address": "2001:db8:1::9"},
                                  {"client_address": "2001:db9::5"}])"));
}
