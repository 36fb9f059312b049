// HEAD: every GET endpoint answers it with the GET's status and fields and no body; the
// methods a path answers are listed in a 405's Allow.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/raw_exchange.h"
#include "tests/support/raw_client.h"

#include <doctest/doctest.h>

using namespace test;
using namespace std::chrono_literals;

namespace {

// What comes back for `first` and then, on the same connection, a GET of /healthz that
// closes it: the first response's head, and everything after it.
std::pair<std::string, std::string> head_then_rest(GatewayUnderTest& gw, const std::string& first) {
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send(first + head("GET", "/healthz", "Connection: close\r\n"));
  RawReading reading = client.read_until_closed(5s);
  REQUIRE(reading.closed);
  std::size_t end = reading.bytes.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  return {reading.bytes.substr(0, end + 4), reading.bytes.substr(end + 4)};
}

// The body of a GET of `path`.
std::string body_of_get(GatewayUnderTest& gw, const std::string& path,
                        const httplib::Headers& headers) {
  auto got = gw.client().Get(path.c_str(), headers);
  REQUIRE(got);
  return got->body;
}

}  // namespace

TEST_CASE("HEAD: a GET endpoint answers with the GET's status and Content-Length, and no body") {
  GatewayUnderTest gw;
  gw.start();
  TestKey key = gw.create_key();
  const std::string healthy = "{\"status\":\"ok\"}";
  struct Case {
    std::string request;
    int status;
    std::size_t get_body_size;  // what the same GET's body measures
  };
  const std::string models_body = body_of_get(gw, "/v1/models", bearer(key));
  const Case cases[] = {
      {head("HEAD", "/healthz"), 200, healthy.size()},
      {head("HEAD", "/v1/models", "Authorization: Bearer " + key.secret + "\r\n"), 200,
       models_body.size()},
      {head("HEAD", "/v1/models"), 401, body_of_get(gw, "/v1/models", {}).size()},
  };
  for (const Case& c : cases) {
    CAPTURE(c.request);
    auto [first, rest] = head_then_rest(gw, c.request);
    CHECK(status_of(first) == c.status);
    CHECK(header_of(first, "Content-Length") == std::to_string(c.get_body_size));
    // No body: the next bytes are the GET's answer, whole.
    CHECK(status_of(rest) == 200);
    CHECK(rest.substr(rest.size() - healthy.size()) == healthy);
    CHECK(response_count(rest) == 1);
  }
}

TEST_CASE("HEAD: a 405 lists what the path answers in Allow, and a HEAD of a POST endpoint gets "
          "it without a body") {
  GatewayUnderTest gw;
  gw.start();
  auto post = gw.client().Post("/healthz", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  auto [first, rest] = head_then_rest(gw, head("HEAD", k_chat));
  CHECK(status_of(first) == 405);
  CHECK(header_of(first, "Allow") == "POST");
  // The GET's 405 body, with "Method HEAD" where it says "Method GET".
  CHECK(header_of(first, "Content-Length") == std::to_string(body_of_get(gw, k_chat, {}).size() + 1));
  CHECK(response_count(rest) == 1);
  CHECK(status_of(rest) == 200);
}
