// Usage that is not valid is estimated and flagged, never billed as free; usage whose cost
// Money cannot hold is a 502 billed at the request's bound, and the daemon goes on.
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

#include <vector>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/chat/completions";

// The prompt bound of `body` sent as body.dump(): its members but model and stream.
std::int64_t member_bytes(nlohmann::json body) {
  body.erase("model");
  body.erase("stream");
  return static_cast<std::int64_t>(body.dump().size()) - 1;
}

// An answer whose usage object is `usage`, as written.
std::string answer_with_usage(const std::string& usage) {
  return R"({"id":"chatcmpl-upstream","object":"chat.completion","model":"premium-upstream",)"
         R"("choices":[{"index":0,"message":{"role":"assistant","content":"spent"},)"
         R"("finish_reason":"stop"}],"usage":)" +
         usage + "}";
}

}  // namespace

TEST_CASE("usage that is not valid is estimated and flagged, at no less than the bound") {
  const std::vector<std::string> usages = {
      R"({"prompt_tokens":12.5,"completion_tokens":3})",
      R"({"prompt_tokens":"12","completion_tokens":3})",
      R"({"prompt_tokens":-12,"completion_tokens":3})",
      R"({"prompt_tokens":12,"completion_tokens":-3})",
      R"({"prompt_tokens":null,"completion_tokens":null})",
      R"({"completion_tokens":3})",
      R"({})",
      R"({"prompt_tokens":99999999999999999999,"completion_tokens":3})",
      R"({"prompt_tokens":12,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":13}})",
  };
  GatewayUnderTest gw;
  // The client's message says which usage the upstream reports.
  gw.alpha.handle("POST", k_upstream_path,
                  [&usages](const httplib::Request& request, httplib::Response& response) {
                    const auto body = nlohmann::json::parse(request.body);
                    const auto index = std::stoul(body["messages"][0]["content"].get<std::string>());
                    response.set_content(answer_with_usage(usages.at(index)), "application/json");
                  });
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json expected = nlohmann::json::array();
  std::int64_t total = 0;
  for (std::size_t i = 0; i < usages.size(); ++i) {
    CAPTURE(usages[i]);
    const nlohmann::json body = chat_request("premium", std::to_string(i));
    CHECK(gw.chat(key, body).status == 200);
    // The prompt bound, and a token for each byte of the answer.
    const TokenCounts estimate{member_bytes(body),
                               static_cast<std::int64_t>(answer_with_usage(usages[i]).size()), 0};
    expected.push_back({{"prompt_tokens", estimate.prompt},
                        {"completion_tokens", estimate.completion},
                        {"cost", cost_of(k_premium, estimate)},
                        {"estimated", 1}});
    total += cost_of(k_premium, estimate);
  }
  CHECK(gw.log_rows("prompt_tokens, completion_tokens, cost, estimated") == expected);
  CHECK(gw.usage_of(key.id) == total);
}

TEST_CASE("usage whose cost Money cannot hold is a 502 billed at the bound, the daemon lives") {
  GatewayUnderTest gw;
  // 900,000,000 prompt tokens at $1 a token: past the $9.2M Money holds.
  gw.alpha.handle("POST", k_upstream_path,
                  [](const httplib::Request& request, httplib::Response& response) {
                    const auto body = nlohmann::json::parse(request.body);
                    const bool huge = body["messages"][0]["content"] == "huge";
                    response.set_content(
                        completion_json("costly-upstream", "ok",
                                        huge ? TokenCounts{900000000, 5, 0} : TokenCounts{7, 5, 0}),
                        "application/json");
                  });
  TestKey key = gw.create_key({"--limit", "100000"});
  gw.start();
  gw.cli({"model", "add", "costly", "--provider", "alpha", "--upstream-model", "costly-upstream",
          "--input-price", "1000000", "--output-price", "1000000", "--max-output-tokens", "1000"});
  constexpr std::int64_t k_per_token = 1'000'000'000'000;  // $1 in picodollars
  nlohmann::json huge = chat_request("costly", "huge");
  huge["max_tokens"] = 10;
  CHECK(gw.chat(key, huge) ==
        reference_error(502, "upstream_error",
                        "Provider alpha reported usage that costs more than llmgw can count"));
  const std::int64_t bound = (member_bytes(huge) + 10) * k_per_token;
  nlohmann::json fine = chat_request("costly", "fine");
  fine["max_tokens"] = 10;
  CHECK(gw.chat(key, fine).status == 200);
  CHECK(gw.log_rows("status, error_code, cost, estimated") ==
        nlohmann::json::array({{{"status", 502}, {"error_code", "upstream_error"}, {"cost", bound},
                                {"estimated", 1}},
                               {{"status", 200}, {"error_code", ""}, {"cost", 12 * k_per_token},
                                {"estimated", 0}}}));
  CHECK(gw.usage_of(key.id) == bound + 12 * k_per_token);
  CHECK(gw.get("/v1/key", bearer(key)).body.value("reserved", "") == "0");
}
