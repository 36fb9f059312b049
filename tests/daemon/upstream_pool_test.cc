// The upstream client against a well-behaved upstream: an httplib server in the test.
#include "daemon/upstream/upstream_pool.h"

#include "core/error.h"
#include "tests/support/mock_upstream.h"

#include <doctest/doctest.h>

#include <thread>

using namespace llmgw::daemon;
using namespace std::chrono_literals;

namespace {

UpstreamTimeouts quick_timeouts() {
  UpstreamTimeouts timeouts;
  timeouts.connect = 2000ms;
  timeouts.read = 2000ms;
  return timeouts;
}

const RequestFields k_headers = {{"Authorization", "Bearer sk-test-secret"},
                                {"Content-Type", "application/json"}};

// Polls `condition` for up to 5 s: the upstream notices a disconnect on its own thread.
template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500 && !condition(); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

}  // namespace

TEST_CASE("upstream: a JSON answer comes with its status, headers and body") {
  test::MockUpstream upstream;
  upstream.answer_json("POST", "/v1/chat/completions", 200, R"({"id":"chatcmpl-1"})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto response = pool.send("POST", "/chat/completions", k_headers, R"({"model":"gpt-4o"})");
  CHECK(response->status() == 200);
  CHECK(response->header("content-type") == "application/json");
  CHECK(response->read_all(1 << 20) == R"({"id":"chatcmpl-1"})");

  auto requests = upstream.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.method == "POST");
  CHECK(request.path == "/v1/chat/completions");
  CHECK(request.body == R"({"model":"gpt-4o"})");
  CHECK(request.header("Authorization") == "Bearer sk-test-secret");
  CHECK(request.header("Host") == "127.0.0.1:" + std::to_string(upstream.port()));
  CHECK(request.header("Content-Length") == "18");
  CHECK(request.header("Connection") == "keep-alive");
}

TEST_CASE("upstream: a 5xx is a status the caller sees, with its body") {
  test::MockUpstream upstream;
  upstream.answer_json("POST", "/v1/embeddings", 503, R"({"error":"overloaded"})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto response = pool.send("POST", "/embeddings", k_headers, "{}");
  CHECK(response->status() == 503);
  CHECK(response->read_all(1024) == R"({"error":"overloaded"})");
}

TEST_CASE("upstream: a chunked stream is read piece by piece as it arrives") {
  std::vector<std::string> pieces = {"data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n",
                                     "data: {\"n\":3}\n\n", "data: [DONE]\n\n"};
  test::MockUpstream upstream;
  upstream.stream_sse("POST", "/v1/chat/completions", pieces, 100ms);
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto response = pool.send("POST", "/chat/completions", k_headers, R"({"stream":true})");
  CHECK(response->status() == 200);
  CHECK(response->header("Transfer-Encoding") == "chunked");
  std::vector<std::string> received;
  std::string piece;
  while (response->read_some(piece)) {
    received.push_back(piece);
    piece.clear();
  }
  CHECK(received == pieces);
  CHECK_FALSE(response->read_some(piece));
  CHECK(eventually([&] { return upstream.completed_streams() == 1; }));
  CHECK(pool.idle_connections() == 1);
}

TEST_CASE("upstream: a keep-alive connection carries the next request") {
  test::MockUpstream upstream;
  upstream.answer_json("POST", "/v1/chat/completions", 200, R"({"id":"x"})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  for (int i = 0; i < 3; ++i) {
    auto response = pool.send("POST", "/chat/completions", k_headers, "{}");
    CHECK(response->read_all(1024) == R"({"id":"x"})");
    CHECK(pool.idle_connections() == 1);  // back in the pool as soon as the body ended
  }
  CHECK(upstream.requests().size() == 3);
  CHECK(upstream.connections() == 1);
}

TEST_CASE("upstream: responses in flight at once use connections of their own") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  {
    auto first = pool.send("GET", "/models", k_headers, "");
    auto second = pool.send("GET", "/models", k_headers, "");
    CHECK(first->read_all(1024) == R"({"data":[]})");
    CHECK(second->read_all(1024) == R"({"data":[]})");
  }
  CHECK(pool.idle_connections() == 2);
  CHECK(upstream.connections() == 2);
  CHECK(upstream.requests()[0].header("Content-Length") == "");
}

TEST_CASE("upstream: a pool keeps as many idle connections as it was given, and no more") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts(), {}, 3);
  auto in_flight_at_once = [&pool](int count) {
    std::vector<std::unique_ptr<UpstreamResponse>> responses;
    for (int i = 0; i < count; ++i) {
      responses.push_back(pool.send("GET", "/models", k_headers, ""));
    }
    for (auto& response : responses) {
      CHECK(response->read_all(1024) == R"({"data":[]})");
    }
  };
  in_flight_at_once(3);
  CHECK(pool.idle_connections() == 3);
  CHECK(upstream.connections() == 3);
  in_flight_at_once(3);  // the same three again
  CHECK(upstream.connections() == 3);
  in_flight_at_once(5);  // two more opened; of the five, the two idle longest are closed
  CHECK(pool.idle_connections() == 3);
  CHECK(upstream.connections() == 5);
}

TEST_CASE("upstream: many threads share one pool") {
  test::MockUpstream upstream;
  upstream.answer_json("POST", "/v1/embeddings", 200, R"({"ok":true})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto response = pool.send("POST", "/embeddings", k_headers, "{}");
        if (response->status() == 200 && response->read_all(1024) == R"({"ok":true})") {
          ++good;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(good == 60);
  CHECK(pool.idle_connections() <= 6);
}

TEST_CASE("upstream: a connection idle past the idle timeout is not reused") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/v1/models", 200, "{}");
  upstream.start();
  UpstreamTimeouts timeouts = quick_timeouts();
  timeouts.idle = 100ms;
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), timeouts);

  pool.send("GET", "/models", k_headers, "")->read_all(1024);
  std::this_thread::sleep_for(250ms);
  pool.send("GET", "/models", k_headers, "")->read_all(1024);
  CHECK(upstream.connections() == 2);
  CHECK(pool.idle_connections() == 1);
}

TEST_CASE("upstream: destroying a response mid-stream closes its connection at once") {
  std::vector<std::string> pieces(50, "data: {\"delta\":\"token\"}\n\n");
  test::MockUpstream upstream;
  upstream.stream_sse("POST", "/v1/chat/completions", pieces, 20ms);
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto response = pool.send("POST", "/chat/completions", k_headers, "{}");
  std::string piece;
  REQUIRE(response->read_some(piece));
  response.reset();  // our client went away
  CHECK(pool.idle_connections() == 0);
  CHECK(eventually([&] { return upstream.cancelled_streams() == 1; }));
  CHECK(upstream.completed_streams() == 0);
}

TEST_CASE("upstream: a body read only in part does not go back to the pool") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/big", 200, std::string(200000, 'x'));
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url()), quick_timeouts());

  auto response = pool.send("GET", "/big", k_headers, "");
  std::string piece;
  REQUIRE(response->read_some(piece));
  CHECK(piece.size() < 200000);
  response.reset();
  CHECK(pool.idle_connections() == 0);
}

TEST_CASE("upstream: a body over the caller's limit is too_large") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/v1/models", 200, std::string(200000, 'x'));
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto response = pool.send("GET", "/models", k_headers, "");
  try {
    response->read_all(1000);
    FAIL("no error");
  } catch (const UpstreamError& error) {
    CHECK(error.failure() == UpstreamFailure::too_large);
    CHECK(std::string(error.what()) == "upstream http://127.0.0.1:" +
                                           std::to_string(upstream.port()) +
                                           ": response body larger than 1000 bytes");
  }
  CHECK(pool.idle_connections() == 0);  // the rest of the body was never read
}

TEST_CASE("upstream: a redirect is returned, not followed") {
  test::MockUpstream upstream;
  upstream.handle("GET", "/v1/models", [](const httplib::Request&, httplib::Response& response) {
    response.set_redirect("https://elsewhere.example/v1/models", 302);
  });
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto response = pool.send("GET", "/models", k_headers, "");
  CHECK(response->status() == 302);
  CHECK(response->header("location") == "https://elsewhere.example/v1/models");
  response->read_all(1024);
  CHECK(upstream.requests().size() == 1);
}

TEST_CASE("upstream: a HEAD response has no body even with a Content-Length") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto response = pool.send("HEAD", "/models", k_headers, "");
  CHECK(response->status() == 200);
  CHECK(response->header("Content-Length") == "11");
  std::string body;
  CHECK_FALSE(response->read_some(body));
  CHECK(pool.idle_connections() == 1);
  CHECK(pool.send("GET", "/models", k_headers, "")->read_all(1024) == R"({"data":[]})");
  CHECK(upstream.connections() == 1);
}

TEST_CASE("upstream: a response may outlive its pool") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/v1/models", 200, R"({"data":[]})");
  upstream.start();
  auto pool = std::make_unique<UpstreamPool>(parse_base_url(upstream.base_url() + "/v1"),
                                             quick_timeouts());
  auto response = pool->send("GET", "/models", k_headers, "");
  pool.reset();
  CHECK(response->read_all(1024) == R"({"data":[]})");
}

TEST_CASE("upstream: requests that cannot be sent as given are refused before sending") {
  test::MockUpstream upstream;
  upstream.answer_json("GET", "/v1/models", 200, "{}");
  upstream.start();
  UpstreamPool pool(parse_base_url(upstream.base_url() + "/v1"), quick_timeouts());

  auto error_of = [&](std::string_view method, std::string_view path, const RequestFields& headers) {
    try {
      pool.send(method, path, headers, "");
    } catch (const llmgw::Error& error) {
      CHECK(error.kind() == llmgw::ErrorKind::invalid);
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("GET", "/models", {{"Authorization", "Bearer sk-secret\r\nX-Injected: 1"}}) ==
        "upstream request header 'Authorization' has a line break in its value");
  CHECK(error_of("GET", "/models", {{"host", "evil.example"}}) ==
        "upstream request header 'host' is set by the connection pool");
  CHECK(error_of("GET", "/models", {{"Bad Name", "x"}}) ==
        "upstream request header name is not a valid field name");
  CHECK(error_of("GET", "models", {}) ==
        "upstream request path must start with '/' and have no spaces or control characters");
  CHECK(error_of("GET", "/models HTTP/1.1\r\n", {}) ==
        "upstream request path must start with '/' and have no spaces or control characters");
  CHECK(error_of("G ET", "/models", {}) == "upstream request method is not a valid HTTP method");
  CHECK(upstream.requests().empty());
}
