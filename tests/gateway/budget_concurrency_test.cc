// Budgets under concurrency: 200 requests released at once over 50 connections against a
// small limit, streaming and not, and with the CLI changing the limit during the burst.
// Each request here reserves exactly what it costs (the upstream reports the prompt tokens
// the gateway estimates and spends all of max_tokens), so the admission count is exact:
// ceil(limit / cost). Usage passes the limit only by the shortfall of the last reservation,
// which is capped at what remained: cost - (limit mod cost), under one cost.
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/key_books.h"
#include "tests/support/process.h"

#include "core/wire/client_request.h"
#include "core/money.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

using namespace test;

namespace {

constexpr int k_connections = 50;
constexpr int k_requests_per_connection = 4;
constexpr int k_requests = k_connections * k_requests_per_connection;
constexpr std::int64_t k_max_tokens = 50;
const std::string k_upstream_model = "premium-upstream";

enum class Stream { yes, no };
enum class Budget { lifetime, period };

std::string usd(std::int64_t picodollars) {
  return llmgw::Money::from_units(picodollars).to_usd();
}

// Releases the threads waiting at it all at once, when the last of `count` arrives
// (C++17 has no std::latch).
class StartingGate {
public:
  explicit StartingGate(int count) : m_waiting(count) {}

  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (--m_waiting == 0) {
      m_open.notify_all();
      return;
    }
    m_open.wait(lock, [this] { return m_waiting == 0; });
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_open;
  int m_waiting;
};

// A request whose reservation equals its cost.
struct ExactSpend {
  Stream stream;
  nlohmann::json body;
  TokenCounts usage;  // what the upstream reports
  std::int64_t cost;  // picodollars: the reservation and the real cost
};

ExactSpend exact_spend(Stream stream) {
  nlohmann::json body = chat_request("premium", "spend it");
  body["max_tokens"] = k_max_tokens;
  if (stream == Stream::yes) {
    body["stream"] = true;
  }
  // The gateway's own prompt estimate, so that the upstream can report exactly it.
  std::int64_t prompt =
      llmgw::parse_client_request(body.dump(), llmgw::Endpoint::chat).prompt_tokens_estimate;
  TokenCounts usage{prompt, k_max_tokens, 0};
  return {stream, body, usage, cost_of(k_premium, usage)};
}

// The upstream answers `spend` after a while, so that admitted requests are in flight
// together (the counts checked do not depend on it; the overlap is what is exercised).
void answer_with(MockUpstream& upstream, const ExactSpend& spend) {
  if (spend.stream == Stream::yes) {
    upstream.stream_sse("POST", "/v1/chat/completions",
                        {sse(content_chunk(k_upstream_model, "spent")),
                         sse(usage_chunk(k_upstream_model, spend.usage)), k_sse_done},
                        std::chrono::milliseconds(50));
    return;
  }
  TokenCounts usage = spend.usage;
  upstream.handle("POST", "/v1/chat/completions",
                  [usage](const httplib::Request&, httplib::Response& response) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(150));
                    response.set_content(completion_json(k_upstream_model, "spent", usage),
                                         "application/json");
                  });
}

// "200" for a whole answer, "402" for a refusal with `refusal_code`; anything else names
// itself.
std::string outcome_of(const httplib::Result& result, Stream stream,
                       const std::string& refusal_code) {
  if (!result) {
    return "no answer: " + httplib::to_string(result.error());
  }
  const std::string& body = result->body;
  if (result->status == 200) {
    bool whole = stream == Stream::yes
                     ? body.find("\"spent\"") != std::string::npos &&
                           body.size() >= std::string(k_sse_done).size() &&
                           body.compare(body.size() - std::string(k_sse_done).size(),
                                        std::string::npos, k_sse_done) == 0
                     : body.find("\"content\":\"spent\"") != std::string::npos;
    return whole ? "200" : "200, incomplete: " + body;
  }
  nlohmann::json error = nlohmann::json::parse(body, nullptr, false);
  if (result->status == 402 && error.is_object() && error.value("code", "") == refusal_code) {
    return "402";
  }
  return std::to_string(result->status) + ": " + body;
}

// How many outcomes of each kind, e.g. {"200": 7, "402": 193}.
nlohmann::json tally(const std::vector<std::string>& outcomes) {
  nlohmann::json counts = nlohmann::json::object();
  for (const std::string& outcome : outcomes) {
    counts[outcome] = counts.value(outcome, 0) + 1;
  }
  return counts;
}

// Each of 50 connections waits at `gate`, then sends its 4 requests one after the other,
// so that 50 arrive at once and the rest as soon as answers come back.
std::vector<std::string> burst(GatewayUnderTest& gw, const TestKey& key, const ExactSpend& spend,
                               const std::string& refusal_code, StartingGate& gate) {
  std::vector<std::string> outcomes(k_requests);
  std::vector<std::thread> connections;
  const std::string body = spend.body.dump();
  for (int c = 0; c < k_connections; ++c) {
    connections.emplace_back([&, c] {
      httplib::Client client = gw.client();
      client.set_keep_alive(true);
      gate.arrive_and_wait();
      for (int r = 0; r < k_requests_per_connection; ++r) {
        outcomes[c * k_requests_per_connection + r] = outcome_of(
            client.Post("/v1/chat/completions", bearer(key), body, "application/json"),
            spend.stream, refusal_code);
      }
    });
  }
  for (auto& connection : connections) {
    connection.join();
  }
  return outcomes;
}

// The request log's statuses, counted: {"200": n, "402": m}.
nlohmann::json logged_statuses(const GatewayUnderTest& gw) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& row : gw.log_rows("status")) {
    std::string status = std::to_string(row["status"].get<int>());
    counts[status] = counts.value(status, 0) + 1;
  }
  return counts;
}

// The daemon's own log lines (its access log left out): shown when a check fails, as a
// failed or retried usage commit would explain a wrong balance.
std::string daemon_events(GatewayUnderTest& gw) {
  std::istringstream lines(gw.daemon().stderr_text());
  std::string events;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"event\":") != std::string::npos) {
      events += line + "\n";
    }
  }
  return events;
}

// A key whose `budget` is `limit`. The books need a period limit, so a lifetime-limited
// key gets a period limit far out of reach.
TestKey key_limited_to(GatewayUnderTest& gw, Budget budget, std::int64_t limit) {
  if (budget == Budget::lifetime) {
    return gw.create_key({"--limit", usd(limit), "--period-limit", "1000", "--period", "30d"});
  }
  return gw.create_key({"--period-limit", usd(limit), "--period", "30d"});
}

// 200 requests at once against `limit`: exactly ceil(limit / cost) are admitted and served
// whole, every other one gets 402, and usage ends at their cost, `limit` plus the capped
// reservation's shortfall.
void check_burst(Stream stream, Budget budget, std::int64_t limit) {
  GatewayUnderTest gw;
  ExactSpend spend = exact_spend(stream);
  answer_with(gw.alpha, spend);
  TestKey key = key_limited_to(gw, budget, limit);
  gw.start();

  StartingGate gate(k_connections);
  std::vector<std::string> outcomes = burst(
      gw, key, spend, budget == Budget::lifetime ? "budget_exceeded" : "period_budget_exceeded",
      gate);

  const std::int64_t c = spend.cost;
  const int admitted = static_cast<int>((limit + c - 1) / c);
  const std::int64_t shortfall = limit % c == 0 ? 0 : c - limit % c;
  INFO("cost ", c, " pd, limit ", limit, " pd");
  INFO("daemon events:\n", daemon_events(gw));
  nlohmann::json expected = {{"200", admitted}, {"402", k_requests - admitted}};
  CHECK(tally(outcomes) == expected);
  CHECK(logged_statuses(gw) == expected);
  CHECK(gw.alpha.requests().size() == static_cast<std::size_t>(admitted));
  CHECK(books_of(gw, key) == settled_books(limit + shortfall));
}

// 200 requests at once while the CLI changes the key's lifetime limit four times: every
// admission leaves usage plus reservations within the limit then in force, and only a
// reservation capped at what remained settles for more, by under one cost. Each limit
// value allows one such (after it, another needs a higher limit first), so usage ends
// within the highest limit plus one cost less a picodollar per limit value.
void check_burst_with_limit_changes(Stream stream) {
  GatewayUnderTest gw;
  ExactSpend spend = exact_spend(stream);
  answer_with(gw.alpha, spend);
  const std::int64_t c = spend.cost;
  // None a multiple of the cost, so each may leave a capped reservation behind.
  const std::vector<std::int64_t> limits = {3 * c + c / 2, 9 * c + c / 3, 2 * c + 1,
                                            14 * c + 1, 6 * c + 2 * c / 3};
  TestKey key = key_limited_to(gw, Budget::lifetime, limits.front());
  gw.start();

  StartingGate gate(k_connections + 1);
  std::vector<int> cli_exit_codes;
  std::thread operator_thread([&] {
    gate.arrive_and_wait();
    for (std::size_t i = 1; i < limits.size(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(40));  // spread over the burst
      cli_exit_codes.push_back(
          test::llmgw(gw.db(), {"key", "update", key.id, "--limit", usd(limits[i])}).exit_code);
    }
  });
  std::vector<std::string> outcomes = burst(gw, key, spend, "budget_exceeded", gate);
  operator_thread.join();
  CHECK(cli_exit_codes == std::vector<int>(limits.size() - 1, 0));

  nlohmann::json counts = tally(outcomes);
  const int admitted = counts.value("200", 0);
  INFO("cost ", c, " pd, outcomes ", counts.dump());
  INFO("daemon events:\n", daemon_events(gw));
  CHECK(counts == nlohmann::json{{"200", admitted}, {"402", k_requests - admitted}});
  CHECK(logged_statuses(gw) == counts);
  const std::int64_t highest = *std::max_element(limits.begin(), limits.end());
  const std::int64_t bound = highest + static_cast<std::int64_t>(limits.size()) * (c - 1);
  CHECK(admitted * c <= bound);
  CHECK(admitted >= 1);
  CHECK(books_of(gw, key) == settled_books(admitted * c));
}

}  // namespace

TEST_CASE("budget burst: a limit of 7 whole costs admits exactly 7 of 200 requests, usage == limit") {
  const std::int64_t cost = exact_spend(Stream::no).cost;
  check_burst(Stream::no, Budget::lifetime, 7 * cost);
}

TEST_CASE("budget burst, streaming: a limit of 7 whole costs admits exactly 7, usage == limit") {
  const std::int64_t cost = exact_spend(Stream::yes).cost;
  check_burst(Stream::yes, Budget::lifetime, 7 * cost);
}

TEST_CASE("budget burst: a limit of 7.4 costs admits 8, usage passes it by 0.6 cost, no more") {
  const std::int64_t cost = exact_spend(Stream::no).cost;
  check_burst(Stream::no, Budget::lifetime, 7 * cost + cost * 2 / 5);
}

TEST_CASE("budget burst, streaming: a limit one picodollar over 7 costs admits 8") {
  const std::int64_t cost = exact_spend(Stream::yes).cost;
  check_burst(Stream::yes, Budget::lifetime, 7 * cost + 1);
}

TEST_CASE("budget burst: a period limit of 5.5 costs admits 6, like a lifetime one") {
  const std::int64_t cost = exact_spend(Stream::no).cost;
  check_burst(Stream::no, Budget::period, 5 * cost + cost / 2);
}

TEST_CASE("budget burst while the CLI changes the limit: usage within the highest limit plus "
          "the shortfall of one capped reservation per limit value") {
  check_burst_with_limit_changes(Stream::no);
}

TEST_CASE("budget burst, streaming, while the CLI changes the limit: the same bound") {
  check_burst_with_limit_changes(Stream::yes);
}
