// What a client is told when a provider answers with an error or a redirect: the status
// mapping, and the upstream's text passed on only with secrets redacted.
#include "daemon/upstream_reply.h"

#include "tests/support/raw_upstream.h"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace llmgw::daemon;
using namespace std::chrono_literals;
using test::RawConnection;
using test::RawUpstream;

namespace {

// Letters and dashes only: nothing in its shape says "key", so only knowing it can
// redact it.
const std::string k_credential = "sk-live-canary-credential-of-alpha";
// A gateway key whose random part has no digit, the shape the heuristics find hardest.
const std::string k_gateway_key = "llmgtwy_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN";

llmgw::Provider provider() {
  ::setenv("LLMGW_TEST_ALPHA_KEY", k_credential.c_str(), 1);
  return {"alpha", "Alpha", "", "LLMGW_TEST_ALPHA_KEY", true};
}

UpstreamTimeouts short_timeouts() {
  UpstreamTimeouts timeouts;
  timeouts.connect = 1000ms;
  timeouts.read = 1000ms;
  return timeouts;
}

// "<status> <code> <message> <extra>" of what the client is told when the upstream sends
// `response` (a head and body) to a chat request.
std::string told(const std::string& response) {
  RawUpstream upstream([&](RawConnection& connection) {
    connection.read_request();
    connection.send(response);
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), short_timeouts());
  auto answer = pool.send("POST", "/chat/completions", {}, "{}");
  HttpError error = upstream_status_error(provider(), *answer);
  return std::to_string(error.status()) + " " + error.code() + " " + error.what() + " " +
         error.extra().dump();
}

std::string json_response(const std::string& status_line, const std::string& body,
                          const std::string& more_headers = "") {
  return "HTTP/1.1 " + status_line + "\r\nContent-Type: application/json\r\n" + more_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string error_message(const std::string& message) {
  return R"({"error":{"message":")" + message + R"(","type":"invalid_request_error"}})";
}

}  // namespace

TEST_CASE("upstream reply: a redirect is an upstream error, and its Location is not followed") {
  RawUpstream elsewhere([](RawConnection& connection) { connection.read_request(); });
  for (const char* status : {"301 Moved Permanently", "302 Found", "307 Temporary Redirect",
                             "308 Permanent Redirect"}) {
    CAPTURE(status);
    std::string code = std::string(status).substr(0, 3);
    CHECK(told(json_response(status, error_message("moved"),
                             "Location: " + elsewhere.base_url() + "/v1/chat/completions\r\n")) ==
          "502 upstream_error Provider alpha answered HTTP " + code + ": moved {}");
  }
  CHECK(told("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n") ==
        "502 upstream_error Provider alpha answered HTTP 302 {}");
  CHECK(elsewhere.accepted() == 0);
}

TEST_CASE("upstream reply: 5xx is a 502, other 4xx keep their status, with the upstream's words") {
  CHECK(told(json_response("503 Service Unavailable", error_message("overloaded, retry later"))) ==
        "502 upstream_error Provider alpha answered HTTP 503: overloaded, retry later {}");
  CHECK(told(json_response("400 Bad Request",
                           error_message("maximum context length exceeded: "
                                         "context_length_exceeded for Content-Type json"))) ==
        "400 upstream_error Provider alpha answered HTTP 400: maximum context length exceeded: "
        "context_length_exceeded for Content-Type json {}");
  CHECK(told(json_response("404 Not Found", "not json")) ==
        "404 upstream_error Provider alpha answered HTTP 404 {}");
}

TEST_CASE("upstream reply: an error body past 64 KiB, or nested past the depth cap, is the status alone") {
  const std::string words = error_message("overloaded");
  const std::string padded = words.substr(0, words.size() - 1) + ",\"pad\":\"" +
                             std::string(llmgw::daemon::k_max_error_body, 'p') + "\"}";
  CHECK(told(json_response("503 Service Unavailable", padded)) ==
        "502 upstream_error Provider alpha answered HTTP 503 {}");
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  CHECK(told(json_response("503 Service Unavailable", R"({"error":{"message":"deep","x":)" + deep + "}}")) ==
        "502 upstream_error Provider alpha answered HTTP 503 {}");
  CHECK(told(json_response("503 Service Unavailable", words)) ==
        "502 upstream_error Provider alpha answered HTTP 503: overloaded {}");
}

TEST_CASE("upstream reply: a refused credential is named, and nothing the upstream said") {
  for (const char* status : {"401 Unauthorized", "403 Forbidden"}) {
    CAPTURE(status);
    CHECK(told(json_response(status, error_message("Incorrect API key provided: " + k_credential))) ==
          "502 provider_auth_failed Provider alpha refused llmgw's credential (HTTP " +
              std::string(status).substr(0, 3) + ") {}");
  }
}

TEST_CASE("upstream reply: the provider's credential is redacted whole and in fragments") {
  const std::string& c = k_credential;
  std::string echoed = "key '" + c + "' is invalid; it starts with " + c.substr(0, 12) +
                       " and ends with " + c.substr(c.size() - 12) + ", middle " +
                       c.substr(10, 12) + ", short end " + c.substr(c.size() - 8);
  CHECK(told(json_response("400 Bad Request", error_message(echoed))) ==
        "400 upstream_error Provider alpha answered HTTP 400: key '[redacted]' is invalid; it "
        "starts with [redacted] and ends with [redacted], middle [redacted], short end "
        "of-alpha {}");
}

TEST_CASE("upstream reply: a fragment cut in half by the length cap is still redacted") {
  std::string filler;
  for (int i = 0; i < 58; ++i) {
    filler += "word ";  // 290 bytes: the credential starts 10 bytes before the cap
  }
  CHECK(told(json_response("400 Bad Request", error_message(filler + k_credential))) ==
        "400 upstream_error Provider alpha answered HTTP 400: " + filler + "[redacted] {}");
}

TEST_CASE("upstream reply: anything shaped like a key or a token is redacted") {
  const std::string& g = k_gateway_key;
  std::string echoed = "keys " + g + " and " + g.substr(0, 16) + " and " + g.substr(g.size() - 16) +
                       " and sk-proj-****wxyz and tok_9f8e7d6c5b4a3";
  CHECK(told(json_response("422 Unprocessable Entity", error_message(echoed))) ==
        "422 upstream_error Provider alpha answered HTTP 422: keys [redacted] and [redacted] and "
        "[redacted] and [redacted] and [redacted] {}");
}

TEST_CASE("upstream reply: 429 keeps Retry-After, redacted like the message") {
  CHECK(told(json_response("429 Too Many Requests", error_message("slow down"),
                           "Retry-After: 20\r\n")) ==
        R"(429 rate_limited Provider alpha answered HTTP 429: slow down {"retry_after":"20"})");
  CHECK(told(json_response("429 Too Many Requests", error_message("slow down"),
                           "Retry-After: " + k_credential + "\r\n")) ==
        R"(429 rate_limited Provider alpha answered HTTP 429: slow down {"retry_after":"[redacted]"})");
}
