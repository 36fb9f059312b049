// Spending limits at request time: 402 once a budget is spent, and hard limits under
// concurrency (README, "Guarantees").
#include "tests/gateway/gateway_fixture.h"

#include "core/wire/client_request.h"
#include "core/money.h"

#include <doctest/doctest.h>

#include <thread>

using namespace test;

namespace {

// premium costs 100 * 10 + 200 * 30 = 7000 USD per 1M tokens: $0.007.
const TokenCounts k_premium_usage{100, 200, 0};

void answer_premium(MockUpstream& upstream) {
  upstream.answer_json("POST", "/v1/chat/completions", 200,
                       completion_json("premium-upstream", "spent", k_premium_usage));
}

// 400 ms between events: a streamed request stays in flight, holding its reservation.
void stream_premium_slowly(MockUpstream& upstream) {
  using namespace std::chrono_literals;
  upstream.stream_sse("POST", "/v1/chat/completions",
                      {sse(content_chunk("premium-upstream", "slow")),
                       sse(usage_chunk("premium-upstream", k_premium_usage)), k_sse_done},
                      400ms);
}

// A streamed request for premium, with `fields` set.
nlohmann::json streamed_premium(const nlohmann::json& fields) {
  nlohmann::json body = chat_request("premium");
  body["stream"] = true;
  body.update(fields);
  return body;
}

// `body` streamed on a thread of its own, to its end.
std::thread in_flight(GatewayUnderTest& gw, const TestKey& key, const nlohmann::json& body) {
  return std::thread([&gw, &key, body] {
    gw.stream_chat(key, body, [](const char*, std::size_t) { return true; });
  });
}

}  // namespace

TEST_CASE("402: the lifetime limit, once spent, with limit and used") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--limit", "0.005"});
  answer_premium(gw.alpha);
  gw.start();
  // Admitted with $0.005 left; it costs what it costs.
  CHECK(gw.chat(key, chat_request("premium")).status == 200);
  CHECK(gw.chat(key, chat_request("premium")) ==
        reference_error(402, "budget_exceeded", "Usage limit reached: $0.007 of $0.005 used",
                        {{"limit", "0.005"}, {"used", "0.007"}, {"resets_at", nullptr}}));
  CHECK(gw.alpha.requests().size() == 1);
}

TEST_CASE("402: a limit of 0 blocks every request, free ones included") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--limit", "0"});
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")) ==
        reference_error(402, "budget_exceeded", "Usage limit reached: $0 of $0 used",
                        {{"limit", "0"}, {"used", "0"}, {"resets_at", nullptr}}));
}

TEST_CASE("402: the period limit, once spent, with its reset time") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--period-limit", "0.005", "--period", "1d"});
  answer_premium(gw.alpha);
  gw.start();
  CHECK(gw.chat(key, chat_request("premium")).status == 200);
  Reply refused = gw.chat(key, chat_request("premium"));
  nlohmann::json shown = nlohmann::json::parse(gw.cli({"--json", "key", "show", key.id}));
  std::string resets_at = shown["period_limit"]["resets_at"].get<std::string>();
  CHECK(refused ==
        reference_error(402, "period_budget_exceeded",
                        "Period usage limit reached: $0.007 of $0.005 per 1d used; resets at " +
                            resets_at,
                        {{"limit", "0.005"}, {"used", "0.007"}, {"resets_at", resets_at}}));
}

TEST_CASE("402: a budget held by requests in flight says how much they reserve") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--limit", "1"});
  stream_premium_slowly(gw.alpha);
  gw.start();
  // Its most (a million output tokens at $30 per 1M) is capped at the whole $1 left.
  nlohmann::json held = streamed_premium({{"max_tokens", 1000000}});
  std::thread holding = in_flight(gw, key, held);
  bool reserved = eventually([&] {
    return gw.get("/v1/key", bearer(key)).body.value("reserved", "") == "1";
  });
  Reply refused = gw.chat(key, chat_request("premium"));
  holding.join();
  REQUIRE(reserved);
  CHECK(refused == reference_error(402, "budget_exceeded",
                                   "Usage limit reached: $0 of $1 used, $1 reserved by requests "
                                   "in flight",
                                   {{"limit", "1"}, {"used", "0"}, {"resets_at", nullptr}}));
}

TEST_CASE("a token limit of 0, or the smaller of two limits, does not shrink a reservation") {
  // Both limits go upstream and providers differ in which they obey; some read 0 as none.
  struct Case {
    const char* limits;
    std::int64_t reserved_tokens;
  };
  for (const Case& c : {Case{R"({"max_tokens": 0})", 1000},  // premium's max output tokens
                        Case{R"({"max_completion_tokens": 0, "max_tokens": 600})", 600},
                        Case{R"({"max_completion_tokens": 700, "max_tokens": 20})", 700}}) {
    INFO(c.limits);
    GatewayUnderTest gw;
    TestKey key = gw.create_key({"--limit", "1"});
    stream_premium_slowly(gw.alpha);
    gw.start();
    nlohmann::json held = streamed_premium(nlohmann::json::parse(c.limits));
    const std::int64_t prompt =
        llmgw::parse_client_request(held.dump(), llmgw::Endpoint::chat).prompt_tokens_estimate;
    const std::string expected =
        llmgw::Money::from_units(cost_of(k_premium, {prompt, c.reserved_tokens, 0})).to_usd();
    std::string reserved;
    std::thread holding = in_flight(gw, key, held);
    eventually([&] {
      reserved = gw.get("/v1/key", bearer(key)).body.value("reserved", "");
      return reserved == expected;
    });
    holding.join();
    CHECK(reserved == expected);
  }
}

TEST_CASE("100 concurrent requests cannot spend past the limit beyond the in-flight overshoot") {
  GatewayUnderTest gw;
  // The reservation the gateway makes per request, computed the way section 3 says: the
  // prompt estimate at the input price and max_tokens at the output price.
  nlohmann::json body = chat_request("premium", "spend it");
  body["max_tokens"] = 50;
  std::int64_t prompt_estimate =
      llmgw::parse_client_request(body.dump(), llmgw::Endpoint::chat).prompt_tokens_estimate;
  TokenCounts usage{prompt_estimate, 50, 0};
  const std::int64_t cost = cost_of(k_premium, usage);  // each request's real cost
  const std::int64_t estimate = cost;                   // the upstream spends all it may
  // Room for 10 full reservations and half of an 11th, which is capped at what remains.
  const std::int64_t limit = 10 * estimate + estimate / 2;
  const std::int64_t capped_reservation = limit - 10 * estimate;
  const std::int64_t overshoot_allowed = cost - capped_reservation;

  gw.alpha.handle("POST", "/v1/chat/completions",
                  [usage](const httplib::Request&, httplib::Response& response) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // in flight
                    response.set_content(completion_json("premium-upstream", "ok", usage),
                                         "application/json");
                  });
  TestKey key = gw.create_key({"--limit", llmgw::Money::from_units(limit).to_usd()});
  gw.start();

  constexpr int k_requests = 100;
  std::vector<int> statuses(k_requests, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < k_requests; ++i) {
    clients.emplace_back([&gw, &key, &body, &statuses, i] {
      statuses[i] = gw.chat(key, body).status;
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  nlohmann::json by_status = nlohmann::json::object();  // "status": how many
  for (int status : statuses) {
    by_status[std::to_string(status)] = by_status.value(std::to_string(status), 0) + 1;
  }
  const int admitted = 11;  // 10 full reservations and the capped one
  CHECK(by_status == nlohmann::json{{"200", admitted}, {"402", k_requests - admitted}});

  std::int64_t usage_after = gw.usage_of(key.id);
  CHECK(usage_after >= limit);
  CHECK(usage_after <= limit + overshoot_allowed);
  CHECK(usage_after == admitted * cost);
  CHECK(gw.query_int("SELECT SUM(cost) FROM request_log") == usage_after);
  Reply status = gw.get("/v1/key", bearer(key));
  CHECK(status.body["reserved"] == "0");
  CHECK(status.body["usage"] == llmgw::Money::from_units(usage_after).to_usd());
}
