// What a stream is billed when it does not end the ordinary way: a usage whose cost Money
// cannot hold (the daemon stays up; 502, the cost bound, estimated), and a client that
// leaves early (the upstream is read on for its usage; without it, the cost bound).
#include "core/price.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/http_chunks.h"
#include "tests/support/raw_upstream.h"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/chat/completions";
const char* const k_row_columns =
    "status, error_code, prompt_tokens, completion_tokens, cost, estimated, streamed, cancelled";

nlohmann::json stream_request(const std::string& model) {
  nlohmann::json body = chat_request(model, "stream this");
  body["stream"] = true;
  return body;
}

// The row of a request that was cut off and billed `cost`, estimated: status and code as
// given, the tokens of the row itself (estimates).
nlohmann::json estimated_row(const nlohmann::json& row, int status, const std::string& code,
                             std::int64_t cost, int cancelled) {
  return {{"status", status},
          {"error_code", code},
          {"prompt_tokens", row["prompt_tokens"]},
          {"completion_tokens", row["completion_tokens"]},
          {"cost", cost},
          {"estimated", 1},
          {"streamed", 1},
          {"cancelled", cancelled}};
}

std::vector<std::string> words(int count) {
  std::vector<std::string> pieces;
  for (int i = 0; i < count; ++i) {
    pieces.push_back(sse(content_chunk("premium-upstream", "word" + std::to_string(i) + " ")));
  }
  return pieces;
}

// alpha streams twenty words, 20 ms apart, then [DONE], with no usage.
void stream_twenty_words(GatewayUnderTest& gw) {
  std::vector<std::string> pieces = words(20);
  pieces.push_back(k_sse_done);
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(20));
}

// The daemon still serves: another request is answered.
void check_daemon_serves(GatewayUnderTest& gw, const TestKey& key) {
  Reply echo = gw.chat(key, chat_request("echo", "still there?"));
  CHECK(echo.status == 200);
  CHECK(gw.get("/healthz", {}).status == 200);
}

}  // namespace

TEST_CASE("stream billing: a usage whose cost overflows Money is 502, billed its bound, and "
          "the daemon stays up") {
  // $1 a token, the highest price: a billion prompt tokens, valid counts, cost $1e9, more
  // than Money holds.
  const TestPrices k_dearest{llmgw::Price::k_max_per_token, llmgw::Price::k_max_per_token,
                             llmgw::Price::k_max_per_token};
  const std::string content = sse(content_chunk("dearest-upstream", "costly"));
  std::vector<std::string> pieces = {content,
                                     sse(usage_chunk("dearest-upstream", {1'000'000'000, 1, 0})),
                                     k_sse_done};
  GatewayUnderTest gw;
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(5));
  TestKey key = gw.create_key();
  gw.start();  // imports the test catalog: the model is added after it
  gw.cli({"model", "add", "dearest", "--provider", "alpha", "--upstream-model", "dearest-upstream",
          "--input-price", "1000000", "--output-price", "1000000", "--max-output-tokens", "16"});

  nlohmann::json body = stream_request("dearest");
  std::string received = read_until_then_close(gw.port(), raw_chat_request(key, body), k_sse_done);
  CHECK(received.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(received.find(content) != std::string::npos);
  CHECK(received.find(k_sse_done) == std::string::npos);
  CHECK(received.find("\r\n0\r\n\r\n") == std::string::npos);  // no clean end of the chunks

  check_daemon_serves(gw, key);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 2; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  const std::int64_t bound = cost_bound_of(k_dearest, body, 16);
  CHECK(row == estimated_row(row, 502, "upstream_error", bound, 0));
  CHECK(row["prompt_tokens"] != 1'000'000'000);
  CHECK(gw.usage_of(key.id) == bound);
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}

TEST_CASE("stream billing: usage past any price's reach does not kill the daemon") {
  std::vector<std::string> pieces = {
      sse(content_chunk("premium-upstream", "huge")),
      sse(usage_chunk("premium-upstream", {9'000'000'000'000'000'000, 1, 0})), k_sse_done};
  GatewayUnderTest gw;
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(5));
  TestKey key = gw.create_key();
  gw.start();

  read_until_then_close(gw.port(), raw_chat_request(key, stream_request("premium")), k_sse_done);
  check_daemon_serves(gw, key);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 2; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  CHECK(row["estimated"] == 1);
  CHECK(row["cost"] > 0);
  CHECK(gw.usage_of(key.id) == row["cost"].get<std::int64_t>());
}

TEST_CASE("stream billing: a client that leaves early is billed the usage the upstream sends "
          "after it left") {
  std::vector<std::string> pieces = words(40);
  pieces.push_back(sse(usage_chunk("premium-upstream", {12, 200, 0})));
  pieces.push_back(k_sse_done);
  GatewayUnderTest gw;
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(20));
  TestKey key = gw.create_key();
  gw.start();

  std::string read =
      read_until_then_close(gw.port(), raw_chat_request(key, stream_request("premium")), "word0 ");
  CHECK(read.find("word0 ") != std::string::npos);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  const std::int64_t cost = cost_of(k_premium, {12, 200, 0});
  CHECK(gw.log_rows(k_row_columns) ==
        nlohmann::json::array({{{"status", 499}, {"error_code", "client_closed_request"},
                                {"prompt_tokens", 12}, {"completion_tokens", 200},
                                {"cost", cost}, {"estimated", 0}, {"streamed", 1},
                                {"cancelled", 1}}}));
  CHECK(gw.usage_of(key.id) == cost);
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}

TEST_CASE("stream billing: a client that leaves early is billed the last of running usage "
          "totals, not the first") {
  std::vector<std::string> pieces;
  for (int i = 1; i <= 20; ++i) {
    pieces.push_back(sse(content_chunk("premium-upstream", "word" + std::to_string(i - 1) + " ")));
    pieces.push_back(sse(usage_chunk("premium-upstream", {12, 10 * i, 0})));
  }
  pieces.push_back(k_sse_done);
  GatewayUnderTest gw;
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(10));
  TestKey key = gw.create_key();
  gw.start();

  read_until_then_close(gw.port(), raw_chat_request(key, stream_request("premium")), "word0 ");
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  CHECK(gw.log_rows("status, prompt_tokens, completion_tokens, cost, estimated") ==
        nlohmann::json::array({{{"status", 499}, {"prompt_tokens", 12}, {"completion_tokens", 200},
                                {"cost", cost_of(k_premium, {12, 200, 0})}, {"estimated", 0}}}));
}

TEST_CASE("stream billing: a client that leaves early, when no usage comes, is billed the "
          "request's cost bound") {
  GatewayUnderTest gw;
  stream_twenty_words(gw);
  TestKey key = gw.create_key();
  gw.start();

  nlohmann::json body = stream_request("premium");
  read_until_then_close(gw.port(), raw_chat_request(key, body), "word0 ");
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  const std::int64_t bound = cost_bound_of(k_premium, body);
  CHECK(row == estimated_row(row, 499, "client_closed_request", bound, 1));
  CHECK(bound >= cost_of(k_premium, {row["prompt_tokens"].get<std::int64_t>(), 0, 0}));
  CHECK(gw.usage_of(key.id) == bound);
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}

TEST_CASE("stream billing: a client that leaves a stream that then stalls is settled at the "
          "read timeout, billed the cost bound") {
  const std::string first = sse(content_chunk("premium-upstream", "partial"));
  RawUpstream stalling([&](RawConnection& connection) {
    connection.read_request();
    connection.send(k_chunked_event_stream_head + chunk(first));
    // More content, which finds the client gone, then silence far longer than the read
    // timeout: for good.
    for (int i = 0; i < 8; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      connection.send(chunk(first));
    }
    connection.wait_for_close();
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = "http://127.0.0.1:" + std::to_string(stalling.port()) + "/v1";
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start({"--upstream-timeout", "500ms"});

  nlohmann::json body = stream_request("premium");
  read_until_then_close(gw.port(), raw_chat_request(key, body), "partial");
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  const std::int64_t bound = cost_bound_of(k_premium, body);
  CHECK(row == estimated_row(row, 499, "client_closed_request", bound, 1));
  CHECK(gw.usage_of(key.id) == bound);
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}

TEST_CASE("stream billing: a client that leaves a stream that then runs on past 8 MiB is "
          "settled there, billed the cost bound, and the upstream is let go") {
  constexpr std::size_t k_offered = 64 << 20;  // far past what llmgw reads on
  const std::string event = sse(content_chunk("premium-upstream", std::string(64 << 10, 'w')));
  auto written = std::make_shared<std::atomic<std::size_t>>(0);
  GatewayUnderTest gw;
  gw.alpha.handle("POST", k_upstream_path,
                  [event, written](const httplib::Request&, httplib::Response& response) {
                    response.set_chunked_content_provider(
                        "text/event-stream", [event, written](std::size_t, httplib::DataSink& sink) {
                          while (*written < k_offered) {
                            if (!sink.write(event.data(), event.size())) {
                              return false;  // llmgw has closed the connection
                            }
                            *written += event.size();
                          }
                          sink.done();
                          return true;
                        });
                  });
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();

  nlohmann::json body = stream_request("premium");
  read_until_then_close(gw.port(), raw_chat_request(key, body), "wwww");
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }, std::chrono::seconds(30)));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  const std::int64_t bound = cost_bound_of(k_premium, body);
  CHECK(row == estimated_row(row, 499, "client_closed_request", bound, 1));
  CHECK(gw.usage_of(key.id) == bound);
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
  // The upstream connection was closed long before the provider's end.
  REQUIRE(eventually([&] { return gw.alpha.requests().size() == 1 && *written > 0; }));
  CHECK(*written >= std::size_t{8} << 20);
  CHECK(*written < k_offered);
}

TEST_CASE("stream billing: a client that leaves early, then SIGTERM: reading on ends at the "
          "drain deadline, billed the cost bound, and the daemon exits") {
  // After the first word, a word every 100 ms for 20 s and never a usage: reading on for
  // it would last until llmgw's 30 s bound.
  constexpr int k_words = 200;
  auto sent = std::make_shared<std::atomic<int>>(0);
  GatewayUnderTest gw;
  gw.alpha.handle("POST", k_upstream_path,
                  [sent](const httplib::Request&, httplib::Response& response) {
                    response.set_chunked_content_provider(
                        "text/event-stream", [sent](std::size_t, httplib::DataSink& sink) {
                          for (const std::string& word : words(k_words)) {
                            if (!sink.write(word.data(), word.size())) {
                              return false;  // llmgw has closed the connection
                            }
                            ++*sent;
                            std::this_thread::sleep_for(std::chrono::milliseconds(100));
                          }
                          sink.done();
                          return true;
                        });
                  });
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start({"--drain-timeout", "300ms"});

  nlohmann::json body = stream_request("premium");
  read_until_then_close(gw.port(), raw_chat_request(key, body), "word0 ");
  // The client is gone and llmgw reads on: then the daemon is told to stop.
  REQUIRE(eventually([&] { return *sent >= 3; }));
  CHECK(gw.daemon().stop(SIGTERM) == 0);
  // It stopped reading long before the provider's end.
  CHECK(*sent < k_words);
  nlohmann::json rows = gw.log_rows(k_row_columns);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == estimated_row(rows[0], 499, "client_closed_request",
                                 cost_bound_of(k_premium, body), 1));
}

TEST_CASE("stream billing: a client that leaves a stream whose output has no bound is billed "
          "the tokens of the whole stream, read on to its end") {
  GatewayUnderTest gw;
  stream_twenty_words(gw);
  TestKey key = gw.create_key();  // no limit: a request without max_tokens is served
  gw.start();
  // No max output in the catalog: the cost bound holds the prompt only.
  gw.cli({"model", "add", "open", "--provider", "alpha", "--upstream-model", "premium-upstream",
          "--input-price", "10", "--output-price", "30"});

  nlohmann::json body = stream_request("open");
  read_until_then_close(gw.port(), raw_chat_request(key, body), "word0 ");
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  // A token for each byte of the twenty deltas as written, all read on after the client left.
  std::int64_t delta_bytes = 0;
  for (int i = 0; i < 20; ++i) {
    delta_bytes += static_cast<std::int64_t>(
        content_chunk("premium-upstream", "word" + std::to_string(i) + " ")["choices"][0]["delta"]
            .dump()
            .size());
  }
  CHECK(row["completion_tokens"] == delta_bytes);
  const TokenCounts seen{row["prompt_tokens"].get<std::int64_t>(), delta_bytes, 0};
  CHECK(row == estimated_row(row, 499, "client_closed_request", cost_of(k_premium, seen), 1));
  CHECK(cost_of(k_premium, seen) > cost_bound_of(k_premium, body, 0));
}

TEST_CASE("stream billing: a stream that stalls after a running usage total is billed the "
          "cost bound, not that total") {
  const std::string first = sse(content_chunk("premium-upstream", "partial")) +
                            sse(usage_chunk("premium-upstream", {1, 1, 0}));
  RawUpstream stalling([&](RawConnection& connection) {
    connection.read_request();
    connection.send(k_chunked_event_stream_head + chunk(first));
    connection.wait_for_close();  // the provider runs on; llmgw gives up at the read timeout
  });
  GatewayUnderTest gw;
  gw.alpha_base_url = "http://127.0.0.1:" + std::to_string(stalling.port()) + "/v1";
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start({"--upstream-timeout", "500ms"});

  nlohmann::json body = stream_request("premium");
  body["stream_options"] = {{"include_usage", true}};
  std::string received = read_until_then_close(gw.port(), raw_chat_request(key, body), k_sse_done);
  CHECK(received.find(k_sse_done) == std::string::npos);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  CHECK(row == nlohmann::json{{"status", 200},
                              {"error_code", "upstream_interrupted"},
                              {"prompt_tokens", 1},
                              {"completion_tokens", 1},
                              {"cost", cost_bound_of(k_premium, body)},
                              {"estimated", 1},
                              {"streamed", 1},
                              {"cancelled", 0}});
  CHECK(gw.usage_of(key.id) == cost_bound_of(k_premium, body));
}
