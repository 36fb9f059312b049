// Budgets against clients that retry on 402 while requests settle under their
// reservations: the room each one frees must not let in one capped request after
// another. At most one capped reservation of a key is in flight, so usage passes the
// limit by at most what that one costs beyond its capped reservation: under one cost.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/key_books.h"
#include "tests/gateway/retry_on_402.h"

#include "core/money.h"

#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace test;

namespace {

constexpr int k_clients = 64;
constexpr std::int64_t k_max_tokens = 1000;
const std::string k_upstream_model = "premium-upstream";

// What the upstream reports: every answer spends all of max_tokens, with a prompt of one
// token where the gateway reserved for thousands. Each request settles a little under its
// reservation, and that little room must not admit a request with a tiny capped
// reservation that then costs a whole one.
const TokenCounts k_full{1, k_max_tokens, 0};
const std::string k_long_prompt(3000, 'x');

}  // namespace

TEST_CASE("budget with 64 clients retrying on 402: requests settling a little under their "
          "reservations let usage pass the limit by less than one request's cost") {
  GatewayUnderTest gw;
  gw.alpha.handle("POST", "/v1/chat/completions",
                  [answers = std::make_shared<std::atomic<int>>(0)](
                      const httplib::Request&, httplib::Response& response) {
                    // Long enough for many admitted requests to be in flight together, and
                    // spread, so that they settle one by one while others retry.
                    std::this_thread::sleep_for(
                        std::chrono::milliseconds(150 + (*answers)++ % 10 * 10));
                    response.set_content(completion_json(k_upstream_model, "spent", k_full),
                                         "application/json");
                  });
  const std::int64_t cost = cost_of(k_premium, k_full);  // what every request costs
  const llmgw::Money limit = llmgw::Money::from_units(32 * cost + cost / 2);
  // The books need a period limit: one far out of reach.
  TestKey key = gw.create_key(
      {"--limit", limit.to_usd(), "--period-limit", "1000", "--period", "30d"});
  gw.start();

  nlohmann::json body = chat_request("premium", k_long_prompt);
  body["max_tokens"] = k_max_tokens;
  Tally tally;
  std::vector<std::thread> clients;
  for (int c = 0; c < k_clients; ++c) {
    clients.emplace_back([&] {
      httplib::Client client = gw.client();
      client.set_keep_alive(true);
      retry_until_spent([&] { return post_chat(client, key, body.dump()); }, limit, tally);
    });
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
