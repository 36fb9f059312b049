// A completion that its head alone refuses (no usable key, a client address its key's
// rules refuse, a spent rate, a spent budget) is answered
// before its body is invited or read, and its connection ends: a client without a key or
// budget cannot make the daemon wait for or hold a body.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/cli_outcome.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

using namespace test;
using namespace std::chrono_literals;

namespace {

// A head announcing a body far larger than a chat request, which is never sent.
std::string announcing_head(const std::string& key_header, const std::string& expect = "") {
  return head("POST", k_chat,
              key_header + expect + "Content-Type: application/json\r\nContent-Length: 3000000\r\n");
}

// Sends `request_head` alone; the daemon answers `expected` at once, invites no body and
// ends the connection. The time bound is a hang's, far below the 60 s body timeout.
void check_refused_from_head(GatewayUnderTest& gw, const std::string& request_head,
                             const Reply& expected) {
  RawClient client(gw.port());
  REQUIRE(client.connected());
  REQUIRE(client.send(request_head));
  RawReading reading = client.read_until_closed(20s);
  CHECK(reading.bytes.find("100 Continue") == std::string::npos);
  CHECK(reply_in(reading.bytes) == expected);
  CHECK(response_count(reading.bytes) == 1);
  CHECK(header_of(reading.bytes, "Connection") == "close");
  CHECK(reading.closed);
}

}  // namespace

TEST_CASE("early refusal: a completion with Expect: 100-continue and no usable key gets 401, never 100 Continue") {
  GatewayUnderTest gw;
  TestKey disabled = gw.create_key();
  gw.cli({"key", "disable", disabled.id});
  TestKey deleted = gw.create_key();
  gw.cli({"key", "delete", "--yes", deleted.id});
  TestKey expired = gw.create_key({"--expires", "30d"});
  set_key_column(gw.db(), expired.id, "expires_at", 1767225600000);  // 2026-01-01T00:00:00Z
  gw.start();
  const std::string expect = "Expect: 100-continue\r\n";
  struct Case {
    std::string key_header;
    Reply answer;
  };
  const Case cases[] = {
      {"", reference_error(401, "missing_api_key",
                           "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>")},
      {"Authorization: Basic dXNlcjpwYXNzd29yZA==\r\n",
       reference_error(401, "malformed_api_key",
                       "Malformed API key: the Authorization header must be 'Bearer <key>'")},
      {"Authorization: Bearer llmgtwy_" + std::string(40, 'A') + "\r\n",
       reference_error(401, "invalid_api_key", "Invalid API key")},
      {"Authorization: Bearer " + disabled.secret + "\r\n",
       reference_error(401, "key_disabled", "API key is disabled")},
      {"x-api-key: " + deleted.secret + "\r\n",
       reference_error(401, "key_deleted", "API key has been deleted")},
      {"Authorization: Bearer " + expired.secret + "\r\n",
       reference_error(401, "key_expired", "API key expired at 2026-01-01T00:00:00Z")},
  };
  for (const Case& c : cases) {
    CAPTURE(c.answer);
    check_refused_from_head(gw, announcing_head(c.key_header, expect), c.answer);
  }
  // On embeddings too, and without Expect.
  check_refused_from_head(
      gw, head("POST", "/v1/embeddings", "Content-Length: 3000000\r\n"),
      reference_error(401, "missing_api_key",
                      "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>"));
  CHECK(gw.log_rows("id").empty());  // no key, no row: as when refused after the body
}

TEST_CASE("early refusal: a spent key's completion gets 402 from its head alone, and its row is logged") {
  GatewayUnderTest gw;
  TestKey spent = gw.create_key({"--limit", "0"});
  gw.start();
  check_refused_from_head(gw, announcing_head("Authorization: Bearer " + spent.secret + "\r\n"),
                          reference_error(402, "budget_exceeded", "Usage limit reached: $0 of $0 used",
                                          {{"limit", "0"}, {"used", "0"}, {"resets_at", nullptr}}));
  check_refused_from_head(
      gw,
      announcing_head("Authorization: Bearer " + spent.secret + "\r\n", "Expect: 100-continue\r\n"),
      reference_error(402, "budget_exceeded", "Usage limit reached: $0 of $0 used",
                      {{"limit", "0"}, {"used", "0"}, {"resets_at", nullptr}}));
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 2; }));
  nlohmann::json row = {{"key_id", spent.id}, {"requested_model", ""}, {"status", 402},
                        {"error_code", "budget_exceeded"}, {"cost", 0}};
  CHECK(gw.log_rows("key_id, requested_model, status, error_code, cost") ==
        nlohmann::json::array({row, row}));
}

TEST_CASE("early refusal: a client its key's address rules refuse gets 403 from its head "
          "alone, with no row") {
  GatewayUnderTest gw;
  TestKey office = gw.create_key({"--allow-ip", "203.0.113.0/24"});
  gw.start();
  const std::string rule_id =
      nlohmann::json::parse(gw.cli({"--json", "key", "rule", "list", office.id}))["rules"][0]["id"];
  check_refused_from_head(
      gw,
      announcing_head("Authorization: Bearer " + office.secret + "\r\n", "Expect: 100-continue\r\n"),
      reference_error(403, "permission_denied",
                      "Access denied: Client address 127.0.0.1 is not in the allowed addresses list",
                      {{"rule_id", rule_id}}));
  CHECK(gw.log_rows("id").empty());
}

TEST_CASE("early refusal: a key whose request rate is spent gets 429 from its head alone, "
          "with its row") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--rpm", "1"});
  gw.start();
  const auto admitted = std::chrono::steady_clock::now();
  REQUIRE(gw.chat(key, chat_request("echo")).status == 200);
  RawClient client(gw.port());
  REQUIRE(client.connected());
  REQUIRE(client.send(announcing_head("Authorization: Bearer " + key.secret + "\r\n",
                                      "Expect: 100-continue\r\n")));
  RawReading reading = client.read_until_closed(20s);
  const auto elapsed = std::chrono::steady_clock::now() - admitted;
  CHECK(reading.bytes.find("100 Continue") == std::string::npos);
  CHECK(response_count(reading.bytes) == 1);
  CHECK(reading.closed);
  // The minute's one cell is back 60 s after it was taken: the wait, rounded up.
  const std::string retry_after = header_of(reading.bytes, "Retry-After");
  CHECK(std::stoll(retry_after) <= 60);
  CHECK(std::stoll(retry_after) >= 60 - std::chrono::duration_cast<std::chrono::seconds>(elapsed).count());
  CHECK(reply_in(reading.bytes) ==
        reference_error(429, "rate_limit_exceeded",
                        "Rate limit exceeded: 1 request per minute for this key",
                        {{"retry_after", retry_after}}));
  CHECK(header_of(reading.bytes, "x-ratelimit-remaining-requests") == "0");
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 2; }));
  CHECK(gw.log_rows("status, error_code, requested_model")[1] ==
        nlohmann::json{{"status", 429}, {"error_code", "rate_limit_exceeded"}, {"requested_model", ""}});
}

TEST_CASE("early refusal: a key with budget left is invited to send its body and answered") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--limit", "1"});
  gw.start();
  std::string json = chat_request("echo").dump();
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(expecting_chat_head(key, json.size()));
  CHECK(client.read_response(10s).bytes == "HTTP/1.1 100 Continue\r\n\r\n");
  client.send(json);
  RawReading answer = client.read_response(10s);
  CHECK(status_of(answer.bytes) == 200);
  CHECK(reply_in(answer.bytes).body["object"] == "chat.completion");
  CHECK(header_of(answer.bytes, "Connection") == "");  // the connection serves on
  client.send(head("GET", "/healthz"));
  CHECK(reply_in(client.read_response(10s).bytes) == Reply{200, {{"status", "ok"}}});
}
