// Providers that fail in the ways networks do, through `llmgw serve` with a 300 ms connect
// timeout and a 500 ms read timeout: each request ends within its bound with the status
// the client is owed, falls back only when nothing was sent (connect errors, TLS, 5xx),
// is logged, and gives its reservation back.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/http_chunks.h"
#include "tests/support/raw_upstream.h"
#include "tests/support/test_certificate.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace test;

namespace {

const std::vector<std::string> k_timeouts = {"--upstream-connect-timeout", "300ms",
                                             "--upstream-timeout", "500ms"};
// What a loaded machine may add to a bound: generous, as only an unbounded wait must fail.
constexpr long long k_slack_ms = 3000;
const std::string k_upstream_path = "/v1/chat/completions";

struct Timed {
  Reply reply;
  long long ms;
};

Timed timed_chat(GatewayUnderTest& gw, const TestKey& key, const std::string& model) {
  auto start = std::chrono::steady_clock::now();
  Reply reply = gw.chat(key, chat_request(model));
  return {reply, elapsed_ms(start)};
}

std::string http_url(int port) {
  return "http://127.0.0.1:" + std::to_string(port) + "/v1";
}

// What GET /v1/key says the key has reserved, or the whole reply when it says nothing.
std::string reserved(GatewayUnderTest& gw, const TestKey& key) {
  Reply status = gw.get("/v1/key", bearer(key));
  if (status.body.is_object() && status.body.contains("reserved")) {
    return status.body["reserved"].get<std::string>();
  }
  return status.body.dump();
}

// The key's reservation is back to nothing once its requests ended.
void check_nothing_reserved(GatewayUnderTest& gw, const TestKey& key) {
  CHECK(reserved(gw, key) == "0");
}

const std::string k_beta_answer = completion_json("beta/shared", "from beta", {10, 20, 0});

// Starts `gw` (its alpha set up by the caller) with beta answering k_beta_answer, and
// returns a key with a $5 limit.
TestKey start_with_beta_answering(GatewayUnderTest& gw) {
  gw.beta.answer_json("POST", k_upstream_path, 200, k_beta_answer);
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start(k_timeouts);
  return key;
}

// After "shared" (alpha unreachable, served by beta) and "premium" (alpha only, 502): the
// log holds both, and nothing stays reserved.
void check_fell_back_then_failed(GatewayUnderTest& gw, const TestKey& key) {
  CHECK(gw.log_rows("provider, status, error_code") ==
        nlohmann::json::array({{{"provider", "beta"}, {"status", 200}, {"error_code", ""}},
                               {{"provider", "alpha"}, {"status", 502},
                                {"error_code", "upstream_unreachable"}}}));
  check_nothing_reserved(gw, key);
}

Reply unreachable(const std::string& failure) {
  return reference_error(502, "upstream_unreachable",
                         "Could not get an answer from provider alpha (" + failure + ")");
}

const Reply k_timed_out = reference_error(504, "upstream_timeout", "Provider alpha timed out");

}  // namespace

TEST_CASE("upstream fault: a connect that hangs ends at the connect timeout, then falls back") {
  FullBacklog hanging;
  GatewayUnderTest gw;
  gw.alpha_base_url = http_url(hanging.port());
  TestKey key = start_with_beta_answering(gw);

  Timed served = timed_chat(gw, key, "shared");
  CHECK(served.reply == Reply{200, nlohmann::json::parse(k_beta_answer)});
  CHECK(served.ms >= 280);
  CHECK(served.ms < 300 + k_slack_ms);
  // premium has no other provider.
  Timed failed = timed_chat(gw, key, "premium");
  CHECK(failed.reply == unreachable("connect"));
  CHECK(failed.ms >= 280);
  CHECK(failed.ms < 300 + k_slack_ms);

  check_fell_back_then_failed(gw, key);
}

TEST_CASE("upstream fault: accepted then silence is a 504 at the read timeout, with no fallback") {
  std::atomic<int> received{0};
  RawUpstream silent([&](RawConnection& connection) {
    if (!connection.read_request().empty()) {
      ++received;
    }
    connection.wait_for_close();
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = http_url(silent.port());
  gw.beta.answer_json("POST", k_upstream_path, 200,
                      completion_json("beta/shared", "from beta", {10, 20, 0}));
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start(k_timeouts);

  Timed failed{};
  std::thread client([&] { failed = timed_chat(gw, key, "shared"); });
  // While the provider keeps silent, the request holds its reservation.
  bool waiting = eventually([&] { return received == 1; });
  std::string reserved_meanwhile = reserved(gw, key);
  client.join();
  REQUIRE(waiting);
  CHECK(reserved_meanwhile.rfind("0.", 0) == 0);  // a part of a dollar, not "0"

  CHECK(failed.reply == k_timed_out);
  CHECK(failed.ms >= 480);
  CHECK(failed.ms < 500 + k_slack_ms);
  // The request reached alpha, which may yet run it: beta must not run it a second time,
  // and it is billed the most alpha could bill for it.
  CHECK(gw.beta.requests().empty());
  const std::int64_t alpha_bound = cost_bound_of(k_alpha_shared, chat_request("shared"));
  CHECK(gw.log_rows("provider, status, error_code, cost, estimated") ==
        nlohmann::json::array(
            {{{"provider", "alpha"}, {"status", 504}, {"error_code", "upstream_timeout"},
              {"cost", alpha_bound}, {"estimated", 1}}}));
  check_nothing_reserved(gw, key);
}

TEST_CASE("upstream fault: headers then silence is a 504 at the read timeout") {
  RawUpstream stalling([](RawConnection& connection) {
    connection.read_request();
    connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    "Content-Length: 1000\r\n\r\n{\"id\":");
    connection.wait_for_close();
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = http_url(stalling.port());
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start(k_timeouts);

  Timed failed = timed_chat(gw, key, "shared");
  CHECK(failed.reply == k_timed_out);
  CHECK(failed.ms >= 480);
  CHECK(failed.ms < 500 + k_slack_ms);
  CHECK(gw.beta.requests().empty());
  CHECK(gw.log_rows("provider, status, error_code, cost") ==
        nlohmann::json::array({{{"provider", "alpha"},
                                {"status", 504},
                                {"error_code", "upstream_timeout"},
                                {"cost", cost_bound_of(k_alpha_shared, chat_request("shared"))}}}));
  check_nothing_reserved(gw, key);
}

TEST_CASE("upstream fault: a stream that stalls ends at the read timeout, cut short") {
  const std::string first = sse(content_chunk("alpha-shared-v1", "partial"));
  RawUpstream stalling([&](RawConnection& connection) {
    connection.read_request();
    connection.send(k_chunked_event_stream_head + chunk(first));
    connection.wait_for_close();
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = http_url(stalling.port());
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start(k_timeouts);

  nlohmann::json body = chat_request("shared");
  body["stream"] = true;
  auto start = std::chrono::steady_clock::now();
  // Read until the gateway closes the connection: [DONE] never comes.
  std::string received = read_until_then_close(gw.port(), raw_chat_request(key, body), k_sse_done);
  long long ms = elapsed_ms(start);
  CHECK(received.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(received.find(first) != std::string::npos);
  CHECK(received.find(k_sse_done) == std::string::npos);
  CHECK(received.find("\r\n0\r\n\r\n") == std::string::npos);  // no clean end of the chunks
  CHECK(ms >= 480);
  CHECK(ms < 500 + k_slack_ms);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  CHECK(gw.log_rows("provider, status, error_code, streamed, cancelled") ==
        nlohmann::json::array({{{"provider", "alpha"}, {"status", 200},
                                {"error_code", "upstream_interrupted"}, {"streamed", 1},
                                {"cancelled", 0}}}));
  check_nothing_reserved(gw, key);
}

TEST_CASE("upstream fault: a trickle that outlasts the read timeout, each wait within it, is relayed whole") {
  // Each piece 400 ms after the last, far under a 2 s read timeout even on a loaded
  // machine; each response takes about 2.4 s in all, more than the timeout: the timeout
  // bounds a wait, not a response.
  const std::string answer = completion_json("alpha-shared-v1", "slow but steady", {10, 20, 0});
  const std::vector<std::string> events = {sse(content_chunk("alpha-shared-v1", "slow ")),
                                           sse(content_chunk("alpha-shared-v1", "steady")),
                                           sse(usage_chunk("alpha-shared-v1", {10, 20, 0})),
                                           k_sse_done};
  auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(400)); };
  RawUpstream trickling([&](RawConnection& connection) {
    for (std::string request = connection.read_request(); !request.empty();
         request = connection.read_request()) {
      bool stream = request.find("\"stream\":true") != std::string::npos;
      pause();
      connection.send("HTTP/1.1 200 OK\r\n");
      pause();
      if (!stream) {
        connection.send("Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(answer.size()) + "\r\n\r\n");
        for (std::size_t at = 0; at < answer.size(); at += answer.size() / 4 + 1) {
          pause();
          connection.send(answer.substr(at, answer.size() / 4 + 1));
        }
        continue;
      }
      connection.send("Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (const std::string& event : events) {
        pause();
        connection.send(chunk(event));
      }
      connection.send("0\r\n\r\n");
    }
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = http_url(trickling.port());
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start({"--upstream-timeout", "2s"});

  auto start = std::chrono::steady_clock::now();
  auto whole = gw.client().Post("/v1/chat/completions", bearer(key),
                                chat_request("shared").dump(), "application/json");
  REQUIRE(whole);
  CHECK(whole->status == 200);
  CHECK(whole->body == answer);
  CHECK(elapsed_ms(start) >= 2000);

  nlohmann::json body = chat_request("shared");
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  std::string streamed;
  auto result = gw.stream_chat(key, body, [&](const char* data, std::size_t size) {
    streamed.append(data, size);
    return true;
  });
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(streamed == events[0] + events[1] + events[2] + events[3]);

  CHECK(gw.log_rows("provider, status, error_code, completion_tokens, streamed") ==
        nlohmann::json::array({{{"provider", "alpha"}, {"status", 200}, {"error_code", ""},
                                {"completion_tokens", 20}, {"streamed", 0}},
                               {{"provider", "alpha"}, {"status", 200}, {"error_code", ""},
                                {"completion_tokens", 20}, {"streamed", 1}}}));
  check_nothing_reserved(gw, key);
}

TEST_CASE("upstream fault: a certificate that does not verify is a TLS failure, then falls back") {
  TestCertificate certificate("IP:127.0.0.1");  // self-signed, and not in any trusted store
  MockUpstream untrusted(certificate.certificate(), certificate.key());
  untrusted.answer_json("POST", k_upstream_path, 200,
                        completion_json("alpha-shared-v1", "from alpha", {10, 20, 0}));
  untrusted.start();
  GatewayUnderTest gw;
  gw.alpha_base_url = untrusted.base_url() + "/v1";
  TestKey key = start_with_beta_answering(gw);

  Timed served = timed_chat(gw, key, "shared");
  CHECK(served.reply == Reply{200, nlohmann::json::parse(k_beta_answer)});
  CHECK(served.ms < 300 + k_slack_ms);
  Timed failed = timed_chat(gw, key, "premium");
  CHECK(failed.reply == unreachable("tls"));
  CHECK(failed.ms < 300 + k_slack_ms);
  CHECK(untrusted.requests().empty());
  check_fell_back_then_failed(gw, key);
}

TEST_CASE("upstream fault: a redirect is not followed: the client gets a 502, nobody else a request") {
  RawUpstream elsewhere([](RawConnection& connection) { connection.read_request(); });
  const std::vector<int> redirects = {301, 302, 307, 308};
  std::atomic<std::size_t> next{0};
  GatewayUnderTest gw;
  gw.alpha.handle("POST", k_upstream_path,
                  [&](const httplib::Request&, httplib::Response& response) {
                    response.status = redirects.at(next++ % redirects.size());
                    response.set_header("Location", elsewhere.base_url() + k_upstream_path);
                    response.set_content(R"({"error":{"message":"moved"}})", "application/json");
                  });
  gw.beta.answer_json("POST", k_upstream_path, 200,
                      completion_json("beta/shared", "from beta", {10, 20, 0}));
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start(k_timeouts);

  for (int status : redirects) {
    CAPTURE(status);
    CHECK(gw.chat(key, chat_request("shared")) ==
          reference_error(502, "upstream_error",
                          "Provider alpha answered HTTP " + std::to_string(status) + ": moved"));
  }
  CHECK(gw.alpha.requests().size() == redirects.size());
  CHECK(elsewhere.accepted() == 0);
  // A redirect is an answer, not a failure to connect: the request is not sent again.
  CHECK(gw.beta.requests().empty());
  CHECK(gw.log_rows("status, error_code").size() == redirects.size());
  CHECK(gw.query_int("SELECT count(*) FROM request_log WHERE provider = 'alpha' AND "
                     "status = 502 AND error_code = 'upstream_error'") ==
        static_cast<std::int64_t>(redirects.size()));
  check_nothing_reserved(gw, key);
}

TEST_CASE("upstream fault: an answer llmgw gives up on (not HTTP, chunks framed with bare LFs, "
          "a body past 64 MiB, an event past 4 MiB), or a whole answer cut off, is billed the "
          "most the request could cost, and no fallback") {
  struct Case {
    const char* what;
    std::string answer;  // sent after the request is read; then the upstream waits
    bool stream;
    Reply reply;  // for a stream, the client has a 200 and the log row says what ended it
    bool then_close = false;  // the upstream closes the connection instead of waiting
  };
  const std::vector<Case> cases = {
      {"not HTTP", "SSH-2.0-OpenSSH_9.2\r\n\r\n", false,
       reference_error(502, "upstream_unreachable",
                       "Could not get an answer from provider alpha (protocol)")},
      {"chunks framed with bare LFs, as no client may send them",
       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
       "2\n{}\n0\n\n",
       false,
       reference_error(502, "upstream_unreachable",
                       "Could not get an answer from provider alpha (protocol)")},
      {"a body past 64 MiB",
       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 67108865\r\n\r\n{",
       false,
       reference_error(502, "upstream_unreachable",
                       "Could not get an answer from provider alpha (too_large)")},
      {"an event past 4 MiB",
       k_chunked_event_stream_head + chunk("data: \"" + std::string(5 << 20, 'x')), true, {}},
      {"a whole answer cut off",
       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":",
       false,
       reference_error(502, "upstream_unreachable",
                       "Could not get an answer from provider alpha (reset)"),
       true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    RawUpstream upstream([&](RawConnection& connection) {
      if (!connection.read_request().empty()) {
        connection.send(c.answer);
        if (!c.then_close) {
          connection.wait_for_close();
        }
      }
    });
    GatewayUnderTest gw;
    gw.alpha_base_url = http_url(upstream.port());
    TestKey key = gw.create_key({"--limit", "5"});
    gw.start(k_timeouts);
    nlohmann::json body = chat_request("shared");
    if (c.stream) {
      body["stream"] = true;
      // Read until the gateway closes the connection: [DONE] never comes.
      std::string received =
          read_until_then_close(gw.port(), raw_chat_request(key, body), k_sse_done);
      CHECK(received.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
      CHECK(received.find("xxxx") == std::string::npos);
    } else {
      CHECK(gw.chat(key, body) == c.reply);
    }
    REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
    nlohmann::json row = gw.log_rows("status, error_code, prompt_tokens, cost, estimated")[0];
    CHECK(row["status"] == (c.stream ? 200 : 502));
    CHECK(row["error_code"] == (c.stream ? "upstream_interrupted" : "upstream_unreachable"));
    CHECK(row["cost"] == cost_bound_of(k_alpha_shared, body));
    CHECK(row["estimated"] == 1);
    CHECK(gw.beta.requests().empty());
    check_nothing_reserved(gw, key);
  }
}
