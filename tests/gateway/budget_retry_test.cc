// Budgets against clients that retry on 402 while requests settle under their
// reservations: the room a cheap request frees must not let in one capped request after
// another. At most one capped reservation of a key is in flight, so usage passes the
// limit by at most what that one costs beyond its capped reservation: under one cost.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/key_books.h"

#include "core/money.h"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace test;

namespace {

constexpr int k_clients = 64;
// Per client; a client stops far sooner, once a 402 says the limit is used up.
constexpr int k_most_attempts = 500;
constexpr std::chrono::milliseconds k_retry_pause{5};
constexpr std::int64_t k_max_tokens = 1000;
const std::string k_upstream_model = "premium-upstream";

// What the upstream reports: every other answer spends all of max_tokens, the others one
// token, so they settle far under their reservations. Both report less prompt than the
// gateway reserves for, so no request costs more than its reservation.
const TokenCounts k_full{1, k_max_tokens, 0};
const TokenCounts k_cheap{1, 1, 0};

// How the clients' attempts ended.
struct Tally {
  std::mutex mutex;
  int served = 0;
  int refused = 0;
  int stopped = 0;                  // clients that saw the limit used up
  std::vector<std::string> others;  // anything else, described

  void add_other(std::string what) {
    std::lock_guard<std::mutex> lock(mutex);
    others.push_back(std::move(what));
  }
};

// Sends the request until a 402 says that committed usage has reached `limit`, pausing
// after each other 402, as a client that retries on 402 does.
void retry_until_spent(GatewayUnderTest& gw, const TestKey& key, const std::string& body,
                       llmgw::Money limit, Tally& tally) {
  httplib::Client client = gw.client();
  client.set_keep_alive(true);
  for (int attempt = 0; attempt < k_most_attempts; ++attempt) {
    httplib::Result result =
        client.Post("/v1/chat/completions", bearer(key), body, "application/json");
    if (!result) {
      tally.add_other("no answer: " + httplib::to_string(result.error()));
      return;
    }
    if (result->status == 200 && result->body.find("\"content\":\"spent\"") != std::string::npos) {
      std::lock_guard<std::mutex> lock(tally.mutex);
      ++tally.served;
      continue;
    }
    nlohmann::json error = nlohmann::json::parse(result->body, nullptr, false);
    if (result->status != 402 || !error.is_object() ||
        error.value("code", "") != "budget_exceeded" ||
        !error.value("used", nlohmann::json()).is_string()) {
      tally.add_other(std::to_string(result->status) + ": " + result->body);
      return;
    }
    const bool spent = llmgw::Money::parse_usd(error["used"].get<std::string>()) >= limit;
    {
      std::lock_guard<std::mutex> lock(tally.mutex);
      ++tally.refused;
      tally.stopped += spent ? 1 : 0;
    }
    if (spent) {
      return;
    }
    std::this_thread::sleep_for(k_retry_pause);
  }
}

}  // namespace

TEST_CASE("budget with 64 clients retrying on 402: requests settling under their reservations "
          "let usage pass the limit by less than one request's cost") {
  GatewayUnderTest gw;
  std::atomic<int> answers{0};
  gw.alpha.handle("POST", "/v1/chat/completions",
                  [&answers](const httplib::Request&, httplib::Response& response) {
                    // Long enough for many admitted requests to be in flight together.
                    std::this_thread::sleep_for(std::chrono::milliseconds(200));
                    const TokenCounts& usage = answers++ % 2 == 0 ? k_full : k_cheap;
                    response.set_content(completion_json(k_upstream_model, "spent", usage),
                                         "application/json");
                  });
  const std::int64_t cost = cost_of(k_premium, k_full);  // the most one request costs
  const llmgw::Money limit = llmgw::Money::from_units(8 * cost + cost / 2);
  // The books need a period limit: one far out of reach.
  TestKey key = gw.create_key(
      {"--limit", limit.to_usd(), "--period-limit", "1000", "--period", "30d"});
  gw.start();

  nlohmann::json body = chat_request("premium", "spend it");
  body["max_tokens"] = k_max_tokens;
  Tally tally;
  std::vector<std::thread> clients;
  for (int c = 0; c < k_clients; ++c) {
    clients.emplace_back([&] { retry_until_spent(gw, key, body.dump(), limit, tally); });
  }
  for (auto& client : clients) {
    client.join();
  }

  const std::int64_t usage = gw.usage_of(key.id);
  INFO("cost ", cost, " pd, limit ", limit.units(), " pd, usage ", usage, " pd, ", tally.served,
       " served, ", tally.refused, " refused");
  CHECK(tally.others == std::vector<std::string>());
  CHECK(tally.stopped == k_clients);
  CHECK(usage >= limit.units());
  // The one capped request costs at most `cost`, and its capped reservation at least a
  // picodollar.
  CHECK(usage <= limit.units() + cost - 1);
  CHECK(gw.alpha.requests().size() == static_cast<std::size_t>(tally.served));
  CHECK(gw.query_int("SELECT count(*) FROM request_log WHERE status = 200") == tally.served);
  CHECK(books_of(gw, key) == settled_books(usage));
}
