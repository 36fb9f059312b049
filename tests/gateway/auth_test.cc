// Every way a request can fail to authenticate: 401 with its own message and code.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/cli_outcome.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const std::string k_path = "/v1/chat/completions";

// A started gateway and one active key.
struct AuthFixture {
  GatewayUnderTest gw;
  TestKey key;

  AuthFixture() {
    key = gw.create_key();
    gw.start();
  }

  Reply send(const httplib::Headers& headers) {
    return gw.post(k_path, chat_request("echo").dump(), headers);
  }
};

Reply malformed(const std::string& why) {
  return reference_error(401, "malformed_api_key", "Malformed API key: " + why);
}

const Reply k_not_a_secret = malformed("expected llmgtwy_ followed by 40 letters and digits");

}  // namespace

TEST_CASE("401: a request without a key") {
  AuthFixture f;
  CHECK(f.send({}) ==
        reference_error(401, "missing_api_key",
                        "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>"));
}

TEST_CASE("401: a request with both an Authorization and an x-api-key header") {
  AuthFixture f;
  CHECK(f.send({{"Authorization", "Bearer " + f.key.secret}, {"x-api-key", f.key.secret}}) ==
        malformed("send exactly one Authorization or x-api-key header"));
}

TEST_CASE("401: a request with two Authorization headers") {
  AuthFixture f;
  CHECK(f.send({{"Authorization", "Bearer " + f.key.secret},
                {"Authorization", "Bearer " + f.key.secret}}) ==
        malformed("send exactly one Authorization or x-api-key header"));
}

TEST_CASE("401: Basic authorization is not a key") {
  AuthFixture f;
  CHECK(f.send({{"Authorization", "Basic dXNlcjpwYXNzd29yZA=="}}) ==
        malformed("the Authorization header must be 'Bearer <key>'"));
}

TEST_CASE("401: a key that is not shaped like a secret") {
  AuthFixture f;
  CHECK(f.send({{"Authorization", "Bearer llmgtwy_short"}}) == k_not_a_secret);
  CHECK(f.send({{"x-api-key", "sk-" + f.key.secret.substr(8)}}) == k_not_a_secret);
}

TEST_CASE("401: CR, LF or NUL sent percent-encoded after a valid key") {
  AuthFixture f;
  // cpp-httplib decodes percent-escapes in header values before the gateway sees them.
  CHECK(f.send({{"x-api-key", f.key.secret + "%0D%0AX-Injected: yes"}}) == k_not_a_secret);
  CHECK(f.send({{"x-api-key", f.key.secret + "%0A"}}) == k_not_a_secret);
  CHECK(f.send({{"Authorization", "Bearer " + f.key.secret + "%00"}}) == k_not_a_secret);
  CHECK(f.send({{"x-api-key", "llmgtwy_%0D" + f.key.secret.substr(9)}}) == k_not_a_secret);
}

TEST_CASE("401: a well-formed key the database does not know") {
  AuthFixture f;
  CHECK(f.send({{"Authorization", "Bearer llmgtwy_" + std::string(40, 'A')}}) ==
        reference_error(401, "invalid_api_key", "Invalid API key"));
}

TEST_CASE("401: a disabled key") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.cli({"key", "disable", key.id});
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")) ==
        reference_error(401, "key_disabled", "API key is disabled"));
}

TEST_CASE("401: a deleted key") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.cli({"key", "delete", "--yes", key.id});
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")) ==
        reference_error(401, "key_deleted", "API key has been deleted"));
}

TEST_CASE("401: an expired key, with its expiry in the message") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--expires", "30d"});
  set_key_column(gw.db(), key.id, "expires_at", 1767225600000);  // 2026-01-01T00:00:00Z
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")) ==
        reference_error(401, "key_expired", "API key expired at 2026-01-01T00:00:00Z"));
}

TEST_CASE("401: the calling key is required on /v1/models and /v1/key too") {
  AuthFixture f;
  Reply missing = reference_error(
      401, "missing_api_key", "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>");
  CHECK(f.gw.get("/v1/models", {}) == missing);
  CHECK(f.gw.get("/v1/key", {}) == missing);
}
