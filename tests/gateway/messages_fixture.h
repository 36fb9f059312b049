#pragma once
// Shared by the /v1/messages gateway tests (messages_test.cc, messages_billing_test.cc):
// alpha as an Anthropic-kind mock serving premium, and the requests, events and log rows
// they compare.
#include "tests/gateway/gateway_fixture.h"

#include <cstdint>
#include <functional>
#include <string>

namespace test {

inline const std::string k_upstream_path = "/v1/messages";

// premium on alpha, in picodollars per token: input, output, cache reads, and the cache
// writes at 1.25 and 2 times the input price.
constexpr std::int64_t k_input = 10'000'000;
constexpr std::int64_t k_output = 30'000'000;
constexpr std::int64_t k_read = 5'000'000;
constexpr std::int64_t k_write_5m = 12'500'000;
constexpr std::int64_t k_write_1h = 20'000'000;

inline httplib::Headers api_key(const TestKey& key) {
  return {{"x-api-key", key.secret}, {"anthropic-version", "2023-06-01"}};
}

// A client's Messages request, compact as the SDKs send it.
inline std::string messages_request(const std::string& model, bool stream = false) {
  return R"({"model":")" + model + R"(","max_tokens":200,)" +
         (stream ? R"("stream":true,)" : "") +
         R"("system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],)"
         R"("messages":[{"role":"user","content":"Say hi"}]})";
}

inline nlohmann::json message_start(const nlohmann::json& usage) {
  return {{"type", "message_start"},
          {"message",
           {{"id", "msg_01"}, {"type", "message"}, {"role", "assistant"},
            {"model", "premium-upstream"}, {"content", nlohmann::json::array()},
            {"stop_reason", nullptr}, {"usage", usage}}}};
}

inline nlohmann::json block_delta(int index, const nlohmann::json& delta) {
  return {{"type", "content_block_delta"}, {"index", index}, {"delta", delta}};
}

// POSTs a Messages request and reads the answer as it comes, counting the log's rows when
// its message_stop event arrives (post_stream).
inline Streamed stream_messages(GatewayUnderTest& gw, const httplib::Headers& headers,
                                const std::string& body,
                                const std::string& path = "/v1/messages") {
  return post_stream(gw, headers, body, path, "event: message_stop");
}

inline const char* const k_log_columns =
    "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, "
    "cache_write_5m_tokens, cache_write_1h_tokens, cost, estimated, streamed";

inline nlohmann::json log_row(int status, const std::string& error_code, std::int64_t prompt,
                       std::int64_t completion, std::int64_t cached, std::int64_t write_5m,
                       std::int64_t write_1h, std::int64_t cost, int estimated, int streamed) {
  return {{"provider", "alpha"},          {"status", status},
          {"error_code", error_code},     {"prompt_tokens", prompt},
          {"completion_tokens", completion}, {"cached_tokens", cached},
          {"cache_write_5m_tokens", write_5m}, {"cache_write_1h_tokens", write_1h},
          {"cost", cost},                 {"estimated", estimated},
          {"streamed", streamed}};
}

}  // namespace test
