// The upstream client against upstreams that misbehave: raw sockets in the test.
#include "daemon/upstream/upstream_pool.h"

#include "tests/support/raw_upstream.h"

#include <doctest/doctest.h>

#include <csignal>
#include <mutex>

using namespace llmgw::daemon;
using namespace std::chrono_literals;
using test::RawConnection;
using test::RawUpstream;

namespace {

constexpr std::string_view k_ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
const RequestFields k_headers = {{"Authorization", "Bearer sk-secret-credential"}};

UpstreamTimeouts short_timeouts() {
  UpstreamTimeouts timeouts;
  timeouts.connect = 1000ms;
  timeouts.read = 200ms;
  return timeouts;
}

// "<failure> <nothing sent?>: <message>" of what `action` throws, and a check that the
// message carries no credential.
template <class Action>
std::string failure_of(Action action) {
  try {
    action();
  } catch (const UpstreamError& error) {
    std::string message = error.what();
    CHECK(message.find("sk-secret") == std::string::npos);
    return std::string(to_string(error.failure())) +
           (error.nothing_sent_upstream() ? " unsent: " : " sent: ") + message;
  }
  return "no error";
}

std::string prefix(const RawUpstream& upstream) {
  return "upstream http://127.0.0.1:" + std::to_string(upstream.port()) + ": ";
}

}  // namespace

TEST_CASE("upstream failure: a refused connection is a connect error with nothing sent") {
  int port = test::closed_port();
  UpstreamPool pool(parse_base_url("http://127.0.0.1:" + std::to_string(port)), short_timeouts());
  CHECK(failure_of([&] { pool.send("POST", "/v1/chat/completions", k_headers, "{}"); }) ==
        "connect unsent: upstream http://127.0.0.1:" + std::to_string(port) +
            ": cannot connect: Connection refused");
}

TEST_CASE("upstream failure: a connection that is never accepted times out as a connect error") {
  test::FullBacklog upstream;
  UpstreamPool pool(parse_base_url("http://127.0.0.1:" + std::to_string(upstream.port())),
                    short_timeouts());
  auto start = std::chrono::steady_clock::now();
  CHECK(failure_of([&] { pool.send("POST", "/v1/chat/completions", k_headers, "{}"); }) ==
        "connect unsent: upstream http://127.0.0.1:" + std::to_string(upstream.port()) +
            ": cannot connect: timed out after 1000 ms");
  CHECK(test::elapsed_ms(start) >= 900);
  CHECK(test::elapsed_ms(start) < 5000);
}

TEST_CASE("upstream failure: an upstream that accepts and stays silent times out") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  auto start = std::chrono::steady_clock::now();
  CHECK(failure_of([&] { pool.send("POST", "/v1/chat/completions", k_headers, "{}"); }) ==
        "timeout sent: " + prefix(upstream) + "read timed out after 200 ms");
  CHECK(test::elapsed_ms(start) >= 150);
  CHECK(test::elapsed_ms(start) < 3000);
}

TEST_CASE("upstream failure: silence after the headers times out the body read") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  auto response = pool.send("POST", "/v1/chat/completions", k_headers, "{}");
  CHECK(response->status() == 200);
  std::string body;
  CHECK(response->read_some(body));
  CHECK(body == "partial");
  auto start = std::chrono::steady_clock::now();
  CHECK(failure_of([&] { response->read_some(body); }) ==
        "timeout sent: " + prefix(upstream) + "read timed out after 200 ms");
  CHECK(test::elapsed_ms(start) < 3000);
  CHECK(failure_of([&] { response->read_some(body); }) ==
        "timeout sent: " + prefix(upstream) + "read timed out after 200 ms");
  CHECK(pool.idle_connections() == 0);
}

TEST_CASE("upstream failure: a reset in the middle of the body is a reset") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    std::this_thread::sleep_for(50ms);
    connection.reset();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  auto response = pool.send("GET", "/v1/models", k_headers, "");
  auto failure = failure_of([&] { response->read_all(1000); });
  CHECK(failure.rfind("reset sent: " + prefix(upstream), 0) == 0);
}

TEST_CASE("upstream failure: a close in the middle of the body is a reset") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  auto response = pool.send("GET", "/v1/models", k_headers, "");
  std::string body;
  CHECK(response->read_some(body));
  CHECK(body == "hel");
  CHECK(failure_of([&] { response->read_some(body); }) ==
        "reset sent: " + prefix(upstream) + "connection closed before the end of the body");
}

TEST_CASE("upstream failure: malformed chunking is a protocol error, after the good bytes") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n");
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  auto response = pool.send("GET", "/v1/models", k_headers, "");
  std::string body;
  CHECK(response->read_some(body));
  CHECK(body == "hello");
  CHECK(failure_of([&] { response->read_some(body); }) ==
        "protocol sent: " + prefix(upstream) + "malformed response: bad chunk size");
}

TEST_CASE("upstream failure: Content-Length with Transfer-Encoding is a protocol error") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n");
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  CHECK(failure_of([&] { pool.send("GET", "/v1/models", k_headers, ""); }) ==
        "protocol sent: " + prefix(upstream) +
            "malformed response: both Content-Length and Transfer-Encoding");
}

TEST_CASE("upstream failure: a header section over 64 KiB is a protocol error") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nX-Filler: " + std::string(70000, 'a') + "\r\n\r\n");
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  CHECK(failure_of([&] { pool.send("GET", "/v1/models", k_headers, ""); }) ==
        "protocol sent: " + prefix(upstream) +
            "malformed response: header section larger than 65536 bytes");
}

TEST_CASE("upstream failure: a new connection closed before any response is not retried") {
  RawUpstream upstream([](RawConnection& connection) { connection.read_request(); });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  CHECK(failure_of([&] { pool.send("POST", "/v1/chat/completions", k_headers, "{}"); }) ==
        "reset sent: " + prefix(upstream) + "connection closed before any response");
  CHECK(upstream.accepted() == 1);
}

TEST_CASE("upstream failure: a reused connection the upstream dropped is retried once") {
  std::atomic<int> requests{0};
  RawUpstream upstream([&](RawConnection& connection) {
    bool first_connection = requests == 0;
    if (connection.read_request().empty()) {
      return;
    }
    ++requests;
    connection.send(first_connection ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                                     : "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
    if (first_connection && !connection.read_request().empty()) {
      ++requests;
      connection.reset();  // as if its keep-alive timeout struck while the request flew
    } else {
      connection.wait_for_close();
    }
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  CHECK(pool.send("POST", "/v1/chat/completions", k_headers, "{}")->read_all(100) == "first");
  CHECK(pool.idle_connections() == 1);
  CHECK(pool.send("POST", "/v1/chat/completions", k_headers, "{}")->read_all(100) == "second");
  CHECK(upstream.accepted() == 2);
  CHECK(requests == 3);
}

TEST_CASE("upstream failure: an idle connection the upstream closed is not reused") {
  std::atomic<int> requests{0};
  RawUpstream upstream([&](RawConnection& connection) {
    if (!connection.read_request().empty()) {
      ++requests;
      connection.send(k_ok);  // then closes
    }
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  CHECK(pool.send("GET", "/v1/models", k_headers, "")->read_all(100) == "ok");
  std::this_thread::sleep_for(100ms);  // the close reaches us
  CHECK(pool.send("GET", "/v1/models", k_headers, "")->read_all(100) == "ok");
  CHECK(upstream.accepted() == 2);
  CHECK(requests == 2);
}

TEST_CASE("upstream failure: a timeout on a reused connection is not retried") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send(k_ok);
    connection.read_request();
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  CHECK(pool.send("GET", "/v1/models", k_headers, "")->read_all(100) == "ok");
  CHECK(failure_of([&] { pool.send("GET", "/v1/models", k_headers, ""); }) ==
        "timeout sent: " + prefix(upstream) + "read timed out after 200 ms");
  CHECK(upstream.accepted() == 1);
}

TEST_CASE("upstream failure: writing to a reset connection raises no SIGPIPE") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_some();
    connection.reset();
  });
  auto previous = std::signal(SIGPIPE, SIG_DFL);  // SIGPIPE would end this process
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  std::string body(8 << 20, 'x');
  auto failure = failure_of([&] { pool.send("POST", "/v1/embeddings", k_headers, body); });
  std::signal(SIGPIPE, previous);
  CAPTURE(failure);
  CHECK(failure.rfind("reset sent: " + prefix(upstream), 0) == 0);
}

TEST_CASE("upstream failure: a response with Connection: close does not go back to the pool") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    connection.wait_for_close();
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  CHECK(pool.send("GET", "/v1/models", k_headers, "")->read_all(100) == "ok");
  CHECK(pool.idle_connections() == 0);
}

TEST_CASE("upstream failure: a body that runs until the close is read whole, then closed") {
  RawUpstream upstream([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nall of it");
  });
  UpstreamPool pool(parse_base_url(upstream.base_url()), short_timeouts());
  auto response = pool.send("GET", "/v1/models", k_headers, "");
  CHECK(response->status() == 200);
  CHECK(response->read_all(100) == "all of it");
  CHECK(pool.idle_connections() == 0);
}

TEST_CASE("upstream failure: the read timeout bounds each wait, so a trickle outlasting it is read") {
  // Every piece, head ones included, comes 200 ms after the last: well within the 400 ms
  // read timeout, while the whole response takes three times as long.
  const std::vector<std::string> pieces = {
      "HTTP/1.1 200 OK\r\n", "Transfer-Encoding: chunked\r\n\r\n", "5\r\nfirst\r\n",
      "6\r\nsecond\r\n",     "5\r\nthird\r\n",                     "0\r\n\r\n"};
  RawUpstream upstream([&](RawConnection& connection) {
    connection.read_request();
    for (const auto& piece : pieces) {
      std::this_thread::sleep_for(200ms);
      connection.send(piece);
    }
    connection.wait_for_close();
  });
  UpstreamTimeouts timeouts = short_timeouts();
  timeouts.read = 400ms;
  UpstreamPool pool(parse_base_url(upstream.base_url()), timeouts);
  auto start = std::chrono::steady_clock::now();
  auto response = pool.send("POST", "/v1/chat/completions", k_headers, "{}");
  CHECK(response->status() == 200);
  CHECK(response->read_all(100) == "firstsecondthird");
  CHECK(test::elapsed_ms(start) >= 1100);
  CHECK(pool.idle_connections() == 1);
}
