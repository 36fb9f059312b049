// Every reservation is settled or released, whatever ends the request: an upstream 5xx, a
// reset before the response head or mid-stream, an upstream timeout, a client gone before
// the first byte or mid-stream, SIGTERM mid-stream, SIGKILL mid-stream and a restart.
// After each, nothing is reserved, the key's usage and period usage (in the daemon and in
// the database) equal the sum of its logged costs, and the whole budget is usable again:
// the key's limits equal one request's reservation, so a leaked one would refuse the next.
// The key may have one request in flight, so a traffic slot kept by any path would refuse
// the next request too (429).
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/key_books.h"
#include "tests/support/http_chunks.h"
#include "tests/support/raw_upstream.h"

#include "core/wire/client_request.h"
#include "core/money.h"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <fmt/format.h>
#include <signal.h>
#include <thread>

using namespace test;

namespace {

enum class Stream { yes, no };

const std::string k_upstream_model = "premium-upstream";
constexpr std::int64_t k_max_tokens = 100;
// What the upstream reports for a whole answer: far less than a reservation.
const TokenCounts k_answered{12, 3, 0};
const char* const k_row_columns =
    "status, error_code, prompt_tokens, completion_tokens, cost, estimated, streamed, cancelled";

nlohmann::json spend_request(Stream stream) {
  nlohmann::json body = chat_request("premium", "settle this");
  body["max_tokens"] = k_max_tokens;
  if (stream == Stream::yes) {
    body["stream"] = true;
  }
  return body;
}

std::int64_t prompt_estimate() {
  return llmgw::parse_client_request(spend_request(Stream::no).dump(), llmgw::Endpoint::chat)
      .prompt_tokens_estimate;
}

// What the gateway reserves for spend_request(): the prompt estimate and max_tokens.
std::int64_t reservation() {
  return cost_of(k_premium, {prompt_estimate(), k_max_tokens, 0});
}

// Lifetime and period limits of exactly one reservation, and one request in flight.
TestKey one_reservation_key(GatewayUnderTest& gw) {
  std::string limit = llmgw::Money::from_units(reservation()).to_usd();
  return gw.create_key(
      {"--limit", limit, "--period-limit", limit, "--period", "30d", "--max-parallel", "1"});
}

// The completion tokens llmgw estimates for a stream that relayed a chunk with `relayed`
// content and no usage: a token for each byte of its delta as written.
std::int64_t relayed_delta_tokens(const std::string& relayed) {
  return static_cast<std::int64_t>(
      content_chunk(k_upstream_model, relayed)["choices"][0]["delta"].dump().size());
}

// The log row of a stream the upstream broke off after `relayed` content, before its usage
// chunk: the client had its 200, and the tokens are estimated, the prompt's and the
// content's.
nlohmann::json interrupted_stream_row(const std::string& relayed) {
  TokenCounts tokens{prompt_estimate(), relayed_delta_tokens(relayed), 0};
  return {{"status", 200},
          {"error_code", "upstream_interrupted"},
          {"prompt_tokens", tokens.prompt},
          {"completion_tokens", tokens.completion},
          {"cost", cost_of(k_premium, tokens)},
          {"estimated", 1},
          {"streamed", 1},
          {"cancelled", 0}};
}

// The row of a request whose answer llmgw gave up on (silence past the read timeout): the
// provider may run it whole, so it is billed its reservation, estimated.
nlohmann::json given_up_row(int status, const std::string& code, int streamed,
                            std::int64_t completion_tokens) {
  return {{"status", status},
          {"error_code", code},
          {"prompt_tokens", prompt_estimate()},
          {"completion_tokens", completion_tokens},
          {"cost", reservation()},
          {"estimated", 1},
          {"streamed", streamed},
          {"cancelled", 0}};
}

// The row of a request that failed before anything was relayed: nothing billed.
nlohmann::json unbilled_row(int status, const std::string& code, int streamed) {
  return {{"status", status},    {"error_code", code}, {"prompt_tokens", 0},
          {"completion_tokens", 0}, {"cost", 0},          {"estimated", 0},
          {"streamed", streamed},   {"cancelled", 0}};
}

// The row of a stream cut at a moment the test does not control: whatever its tokens, its
// cost is theirs at the mapping's prices.
void check_billed_as_its_tokens(const nlohmann::json& row) {
  TokenCounts tokens{row["prompt_tokens"].get<std::int64_t>(),
                     row["completion_tokens"].get<std::int64_t>(), 0};
  CHECK(row["cost"] == cost_of(k_premium, tokens));
}

// After a fault: once the daemon is done with it, the books balance at `logged` with
// nothing reserved, and the next request is admitted while the key has any budget left
// (a reservation left behind would fill the key's budget and have it refused 402, a
// traffic slot left behind would have it refused 429), served and settled too; a key that
// `logged` spent whole refuses it for its budget.
void check_settled_and_whole(GatewayUnderTest& gw, const TestKey& key, std::int64_t logged) {
  eventually([&] { return books_of(gw, key) == settled_books(logged); });  // then checked
  CHECK(books_of(gw, key) == settled_books(logged));
  Reply next = gw.chat(key, spend_request(Stream::no));
  if (logged >= reservation()) {
    CHECK(next.status == 402);
    CHECK(books_of(gw, key) == settled_books(logged));
    return;
  }
  CHECK(next.status == 200);
  CHECK(books_of(gw, key) == settled_books(logged + cost_of(k_premium, k_answered)));
}

std::string http_json(const std::string& body) {
  return fmt::format("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: {}\r\n\r\n{}",
                     body.size(), body);
}


// An upstream whose first connection runs `fault` on the request it read; later ones
// answer whole (the next request after the fault).
std::unique_ptr<RawUpstream> faulty_upstream(std::function<void(RawConnection&)> fault) {
  auto connections = std::make_shared<int>(0);
  return std::make_unique<RawUpstream>([connections, fault](RawConnection& connection) {
    if (connection.read_request().empty()) {
      return;
    }
    if ((*connections)++ == 0) {
      fault(connection);
      return;
    }
    connection.send(http_json(completion_json(k_upstream_model, "whole", k_answered)));
  });
}

// Starts `gw` (with `serve_args`) with `upstream` as provider alpha; returns a key of one
// reservation.
TestKey start_behind(GatewayUnderTest& gw, const RawUpstream& upstream,
                     const std::vector<std::string>& serve_args = {}) {
  gw.alpha_base_url = upstream.base_url() + "/v1";
  TestKey key = one_reservation_key(gw);
  gw.start(serve_args);
  return key;
}

// How a stream cut short without usage is billed: what was relayed when the upstream
// closed it, the reservation when llmgw gave up on it.
enum class Billed { relayed, bound };

// A stream the upstream breaks off after `relayed` content, by `then` (a reset, silence):
// the client got what was relayed, it is billed as `billed` says, and nothing stays
// reserved.
void check_broken_stream(const std::string& relayed, void (*then)(RawConnection&),
                         const std::vector<std::string>& serve_args, Billed billed) {
  auto upstream = faulty_upstream([&relayed, then](RawConnection& connection) {
    connection.send(k_chunked_event_stream_head + chunk(sse(content_chunk(k_upstream_model, relayed))));
    then(connection);
  });
  GatewayUnderTest gw;
  TestKey key = start_behind(gw, *upstream, serve_args);
  std::string received;
  gw.stream_chat(key, spend_request(Stream::yes), [&](const char* data, std::size_t size) {
    received.append(data, size);
    return true;
  });
  CHECK(received == sse(content_chunk(k_upstream_model, relayed)));
  if (billed == Billed::bound) {
    CHECK(gw.log_rows(k_row_columns) ==
          nlohmann::json::array({given_up_row(200, "upstream_interrupted", 1,
                                              relayed_delta_tokens(relayed))}));
    check_settled_and_whole(gw, key, reservation());
    return;
  }
  nlohmann::json row = interrupted_stream_row(relayed);
  CHECK(gw.log_rows(k_row_columns) == nlohmann::json::array({row}));
  check_settled_and_whole(gw, key, row["cost"].get<std::int64_t>());
}

// alpha answers streaming requests with a slow stream (`pieces` words, 20 ms apart, the
// usage chunk last), after `head_delay`; and other requests whole, at once.
void serve_slow_streams(MockUpstream& alpha, int pieces, std::chrono::milliseconds head_delay) {
  alpha.handle("POST", "/v1/chat/completions",
               [pieces, head_delay](const httplib::Request& request, httplib::Response& response) {
                 if (request.body.find("\"stream\":true") == std::string::npos) {
                   response.set_content(completion_json(k_upstream_model, "whole", k_answered),
                                        "application/json");
                   return;
                 }
                 std::this_thread::sleep_for(head_delay);
                 response.set_chunked_content_provider(
                     "text/event-stream", [pieces](std::size_t, httplib::DataSink& sink) {
                       for (int i = 0; i < pieces; ++i) {
                         std::this_thread::sleep_for(std::chrono::milliseconds(20));
                         std::string event =
                             sse(content_chunk(k_upstream_model, "word" + std::to_string(i) + " "));
                         if (!sink.write(event.data(), event.size())) {
                           return false;
                         }
                       }
                       // Within one reservation: a client that leaves is billed it.
                       std::string end = sse(usage_chunk(k_upstream_model, k_answered)) +
                                         k_sse_done;
                       sink.write(end.data(), end.size());
                       sink.done();
                       return true;
                     });
               });
}

// A streaming request on its own thread; `started` once its first bytes arrived.
class StreamingClient {
public:
  StreamingClient(GatewayUnderTest& gw, const TestKey& key) {
    m_thread = std::thread([this, &gw, key] {
      gw.stream_chat(key, spend_request(Stream::yes), [this](const char*, std::size_t) {
        m_started = true;
        return true;
      });
    });
  }
  ~StreamingClient() { m_thread.join(); }
  bool wait_until_started() {
    return eventually([this] { return m_started.load(); });
  }

private:
  std::atomic<bool> m_started{false};
  std::thread m_thread;
};

}  // namespace

TEST_CASE("settled: the upstream answers 500 to a streaming request") {
  GatewayUnderTest gw;
  auto calls = std::make_shared<std::atomic<int>>(0);
  gw.alpha.handle("POST", "/v1/chat/completions",
                  [calls](const httplib::Request&, httplib::Response& response) {
                    if ((*calls)++ == 0) {
                      response.status = 500;
                      response.set_content(R"({"error": {"message": "overloaded"}})",
                                           "application/json");
                      return;
                    }
                    response.set_content(completion_json(k_upstream_model, "whole", k_answered),
                                         "application/json");
                  });
  TestKey key = one_reservation_key(gw);
  gw.start();
  CHECK(gw.chat(key, spend_request(Stream::yes)) ==
        reference_error(502, "upstream_error", "Provider alpha answered HTTP 500: overloaded"));
  CHECK(gw.log_rows(k_row_columns) ==
        nlohmann::json::array({unbilled_row(502, "upstream_error", 1)}));
  check_settled_and_whole(gw, key, 0);
}

TEST_CASE("settled: the upstream resets the connection before the response head") {
  auto upstream = faulty_upstream([](RawConnection& connection) { connection.reset(); });
  GatewayUnderTest gw;
  TestKey key = start_behind(gw, *upstream);
  Reply reply = gw.chat(key, spend_request(Stream::yes));
  CHECK(reply.status == 502);
  CHECK(reply.body["code"] == "upstream_unreachable");
  CHECK(gw.log_rows(k_row_columns) ==
        nlohmann::json::array({unbilled_row(502, "upstream_unreachable", 1)}));
  check_settled_and_whole(gw, key, 0);
}

TEST_CASE("settled: the upstream resets the connection mid-stream, what was relayed is billed") {
  check_broken_stream("partial answer", [](RawConnection& connection) { connection.reset(); },
                      {}, Billed::relayed);
}

TEST_CASE("settled: the upstream sends nothing within --upstream-timeout, and the request "
          "is billed its reservation") {
  auto upstream = faulty_upstream([](RawConnection& connection) { connection.wait_for_close(); });
  GatewayUnderTest gw;
  TestKey key = start_behind(gw, *upstream, {"--upstream-timeout", "500ms"});
  CHECK(gw.chat(key, spend_request(Stream::no)) ==
        reference_error(504, "upstream_timeout", "Provider alpha timed out"));
  CHECK(gw.log_rows(k_row_columns) ==
        nlohmann::json::array({given_up_row(504, "upstream_timeout", 0, 0)}));
  check_settled_and_whole(gw, key, reservation());
}

TEST_CASE("settled: the upstream stalls mid-stream past --upstream-timeout, and the request "
          "is billed its reservation") {
  check_broken_stream("then silence",
                      [](RawConnection& connection) { connection.wait_for_close(); },
                      {"--upstream-timeout", "500ms"}, Billed::bound);
}

TEST_CASE("settled: a streaming client gone before the first byte") {
  GatewayUnderTest gw;
  // The upstream answers after 2 s: the daemon sees the client go long before, even on a
  // loaded machine.
  serve_slow_streams(gw.alpha, 100, std::chrono::seconds(2));
  TestKey key = one_reservation_key(gw);
  gw.start();
  // Sent, then closed at once, while the upstream has not answered yet.
  CHECK(read_until_then_close(gw.port(), raw_chat_request(key, spend_request(Stream::yes)), "")
            .empty());
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  CHECK(row["status"] == 499);
  CHECK(row["error_code"] == "client_closed_request");
  CHECK(row["cancelled"] == 1);
  CHECK(row["streamed"] == 1);
  check_billed_as_its_tokens(row);
  check_settled_and_whole(gw, key, row["cost"].get<std::int64_t>());
}

TEST_CASE("settled: a client gone before the first byte of a whole answer") {
  GatewayUnderTest gw;
  auto calls = std::make_shared<std::atomic<int>>(0);
  gw.alpha.handle("POST", "/v1/chat/completions",
                  [calls](const httplib::Request&, httplib::Response& response) {
                    if ((*calls)++ == 0) {  // long after the client has gone
                      std::this_thread::sleep_for(std::chrono::seconds(2));
                    }
                    response.set_content(completion_json(k_upstream_model, "whole", k_answered),
                                         "application/json");
                  });
  TestKey key = one_reservation_key(gw);
  gw.start();
  CHECK(read_until_then_close(gw.port(), raw_chat_request(key, spend_request(Stream::no)), "")
            .empty());
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  // Committed before the answer is written, as every whole answer is: the upstream did the
  // work, so it is billed in full.
  CHECK(gw.log_rows(k_row_columns) ==
        nlohmann::json::array({{{"status", 200}, {"error_code", ""},
                                {"prompt_tokens", k_answered.prompt},
                                {"completion_tokens", k_answered.completion},
                                {"cost", cost_of(k_premium, k_answered)}, {"estimated", 0},
                                {"streamed", 0}, {"cancelled", 0}}}));
  check_settled_and_whole(gw, key, cost_of(k_premium, k_answered));
}

TEST_CASE("settled: a client gone mid-stream") {
  GatewayUnderTest gw;
  serve_slow_streams(gw.alpha, 100, std::chrono::milliseconds(0));
  TestKey key = one_reservation_key(gw);
  gw.start();
  std::string read =
      read_until_then_close(gw.port(), raw_chat_request(key, spend_request(Stream::yes)), "word3 ");
  CHECK(read.find("word3 ") != std::string::npos);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  nlohmann::json row = gw.log_rows(k_row_columns)[0];
  CHECK(row["status"] == 499);
  CHECK(row["error_code"] == "client_closed_request");
  CHECK(row["cancelled"] == 1);
  CHECK(row["completion_tokens"] > 0);
  check_billed_as_its_tokens(row);
  check_settled_and_whole(gw, key, row["cost"].get<std::int64_t>());
}

TEST_CASE("settled: SIGTERM mid-stream, the stream cut at --drain-timeout, then a restart") {
  GatewayUnderTest gw;
  serve_slow_streams(gw.alpha, 100, std::chrono::milliseconds(0));  // 2 s of stream
  TestKey key = one_reservation_key(gw);
  gw.start({"--drain-timeout", "300ms"});
  {
    StreamingClient client(gw, key);
    REQUIRE(client.wait_until_started());
    CHECK(gw.daemon().stop(SIGTERM) == 0);
  }
  nlohmann::json rows = gw.log_rows(k_row_columns);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["status"] == 200);
  CHECK(rows[0]["error_code"] == "drain_deadline");
  CHECK(rows[0]["cancelled"] == 1);
  check_billed_as_its_tokens(rows[0]);
  gw.restart();
  check_settled_and_whole(gw, key, rows[0]["cost"].get<std::int64_t>());
}

TEST_CASE("settled: SIGKILL mid-stream, then a restart: what was answered stays billed") {
  GatewayUnderTest gw;
  serve_slow_streams(gw.alpha, 100, std::chrono::milliseconds(0));
  TestKey key = one_reservation_key(gw);
  gw.start();
  REQUIRE(gw.chat(key, spend_request(Stream::no)).status == 200);
  const std::int64_t answered = cost_of(k_premium, k_answered);
  {
    StreamingClient client(gw, key);
    REQUIRE(client.wait_until_started());
    CHECK(gw.daemon().stop(SIGKILL) == 128 + SIGKILL);
  }
  // The stream never ended, so nothing of it was committed; the answered request was.
  CHECK(gw.log_rows("status, cost") ==
        nlohmann::json::array({{{"status", 200}, {"cost", answered}}}));
  gw.restart();
  check_settled_and_whole(gw, key, answered);
}
