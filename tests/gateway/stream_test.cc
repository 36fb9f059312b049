// Streaming: server-sent events relayed as they arrive, the usage chunk kept or removed,
// usage recorded (estimated without one). A client that goes away is in
// stream_billing_test.cc, the drain in shutdown_test.cc.
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

#include <thread>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/chat/completions";
const std::string k_model = "premium-upstream";
const TokenCounts k_usage{12, 3, 0};

// An upstream stream of three words, an event split across two pieces, the usage chunk
// when `with_usage`, and [DONE].
std::vector<std::string> upstream_pieces(bool with_usage) {
  std::string second = sse(content_chunk(k_model, " streamed"));
  std::vector<std::string> pieces = {sse(content_chunk(k_model, "Hello")) + second.substr(0, 20),
                                     second.substr(20), sse(content_chunk(k_model, " reply"))};
  if (with_usage) {
    pieces.push_back(sse(usage_chunk(k_model, k_usage)));
  }
  pieces.push_back(k_sse_done);
  return pieces;
}

nlohmann::json stream_request(bool include_usage) {
  nlohmann::json body = chat_request("premium", "stream this");
  body["stream"] = true;
  if (include_usage) {
    body["stream_options"] = {{"include_usage", true}};
  }
  return body;
}

const char* const k_log_columns = "provider, status, prompt_tokens, completion_tokens, cost, "
                                  "estimated, streamed, cancelled";

// The log row of a stream that ended normally with k_usage.
nlohmann::json complete_stream_rows() {
  return nlohmann::json::array({{{"provider", "alpha"}, {"status", 200}, {"prompt_tokens", 12},
                                 {"completion_tokens", 3}, {"cost", cost_of(k_premium, k_usage)},
                                 {"estimated", 0}, {"streamed", 1}, {"cancelled", 0}}});
}

}  // namespace

TEST_CASE("streaming: bytes relayed in order as they arrive, usage chunk kept when asked") {
  GatewayUnderTest gw;
  std::vector<std::string> pieces = upstream_pieces(true);
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(150));
  TestKey key = gw.create_key();
  gw.start();
  std::string received;
  bool first_before_upstream_end = false;
  auto result = gw.stream_chat(key, stream_request(true), [&](const char* data, std::size_t size) {
    if (received.empty()) {
      first_before_upstream_end = gw.alpha.completed_streams() == 0;
    }
    received.append(data, size);
    return true;
  });
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->get_header_value("Content-Type") == "text/event-stream");
  CHECK(received == joined(pieces));
  CHECK(first_before_upstream_end);
  CHECK(gw.log_rows(k_log_columns) == complete_stream_rows());
  CHECK(gw.usage_of(key.id) == cost_of(k_premium, k_usage));
}

TEST_CASE("streaming: the usage chunk is forced upstream and removed when not asked for") {
  GatewayUnderTest gw;
  std::vector<std::string> pieces = upstream_pieces(true);
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(5));
  TestKey key = gw.create_key();
  gw.start();
  auto result = gw.client().Post("/v1/chat/completions", bearer(key),
                                 stream_request(false).dump(), "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->body == joined(upstream_pieces(false)));
  REQUIRE(gw.alpha.requests().size() == 1);
  nlohmann::json sent = nlohmann::json::parse(gw.alpha.requests()[0].body);
  CHECK(sent["stream_options"] == nlohmann::json{{"include_usage", true}});
  CHECK(sent["model"] == k_model);
  CHECK(gw.log_rows("prompt_tokens, completion_tokens, cost, estimated") ==
        nlohmann::json::array({{{"prompt_tokens", 12}, {"completion_tokens", 3},
                                {"cost", cost_of(k_premium, k_usage)}, {"estimated", 0}}}));
}

TEST_CASE("streaming: without an upstream usage chunk the tokens are estimated and flagged") {
  GatewayUnderTest gw;
  std::vector<std::string> pieces = upstream_pieces(false);
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(5));
  TestKey key = gw.create_key();
  gw.start();
  auto result = gw.client().Post("/v1/chat/completions", bearer(key),
                                 stream_request(true).dump(), "application/json");
  REQUIRE(result);
  CHECK(result->body == joined(pieces));
  nlohmann::json rows = gw.log_rows("prompt_tokens, completion_tokens, cost, estimated, streamed");
  REQUIRE(rows.size() == 1);
  nlohmann::json row = rows[0];
  CHECK(row["estimated"] == 1);
  CHECK(row["streamed"] == 1);
  // A token for each byte of the deltas as written: {"content":"Hello"} (19 bytes),
  // {"content":" streamed"} (23) and {"content":" reply"} (20).
  CHECK(row["completion_tokens"] == 62);
  TokenCounts estimated{row["prompt_tokens"].get<std::int64_t>(), 62, 0};
  CHECK(estimated.prompt > 0);
  CHECK(row["cost"] == cost_of(k_premium, estimated));
  CHECK(gw.usage_of(key.id) == cost_of(k_premium, estimated));
}

TEST_CASE("streaming: [DONE] reaches the client only once the stream's usage is committed") {
  GatewayUnderTest gw;
  gw.alpha.stream_sse("POST", k_upstream_path, upstream_pieces(true), std::chrono::milliseconds(5));
  TestKey key = gw.create_key();
  gw.start();
  std::string received;
  std::int64_t rows_when_done = -1;
  auto result = gw.stream_chat(key, stream_request(true), [&](const char* data, std::size_t size) {
    received.append(data, size);
    if (rows_when_done < 0 && received.find("[DONE]") != std::string::npos) {
      rows_when_done = gw.query_int("SELECT count(*) FROM request_log");
    }
    return true;
  });
  REQUIRE(result);
  CHECK(received == joined(upstream_pieces(true)));
  CHECK(rows_when_done == 1);
  CHECK(gw.log_rows(k_log_columns) == complete_stream_rows());
}
