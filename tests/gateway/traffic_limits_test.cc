// A key's traffic limits in the gateway: request rates admit their burst and then their
// rate, a token rate is charged the prompt estimate and corrected to what was used, the
// requests in flight never pass their limit, and a refused request consumes nothing. The
// answers: 429 rate_limit_exceeded naming the limit, Retry-After, and the x-ratelimit-*
// headers on every proxied answer of a key with rates. The rate algorithm itself is tested
// on a fake clock in tests/unit/cell_rate_test.cc.
#include "tests/gateway/gateway_fixture.h"

#include "core/traffic_limits.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace test;

namespace {

using Steady = std::chrono::steady_clock;

std::int64_t ms_between(Steady::time_point from, Steady::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// What a token rate is charged at admission for `body`: about four bytes a token.
std::int64_t prompt_estimate(const nlohmann::json& body) {
  return llmgw::estimated_tokens(body.dump().size());
}

httplib::Result post_chat(GatewayUnderTest& gw, const TestKey& key, const nlohmann::json& body) {
  return gw.client().Post("/v1/chat/completions", bearer(key), body.dump(), "application/json");
}

Reply rate_refusal(const std::string& message, const std::string& retry_after) {
  return reference_error(429, "rate_limit_exceeded", message, {{"retry_after", retry_after}});
}

// A 429 for `message` whose Retry-After is the wait of `wait_ms` counted from `since`
// (before the request that filled the limit), rounded up: at most all of it, at least
// what was left of it when the refusal arrived.
void check_rate_refusal(const Reply& reply, const std::string& message, std::int64_t wait_ms,
                        Steady::time_point since) {
  const std::int64_t elapsed = ms_between(since, Steady::now());
  REQUIRE(reply.status == 429);
  CHECK(reply.body["code"] == "rate_limit_exceeded");
  CHECK(reply.body["message"] == message);
  const std::int64_t retry_after = std::stoll(reply.body["retry_after"].get<std::string>());
  CAPTURE(elapsed);
  CHECK(retry_after <= (wait_ms + 999) / 1000);
  CHECK(retry_after >= (wait_ms - elapsed + 999) / 1000);
}

// The x-ratelimit-* fields of an answer, by name; absent ones are missing.
std::map<std::string, std::string> rate_headers(const httplib::Result& result) {
  std::map<std::string, std::string> found;
  for (const auto& [name, value] : result->headers) {
    if (name.rfind("x-ratelimit-", 0) == 0) {
      found[name] = value;
    }
  }
  return found;
}

}  // namespace

TEST_CASE("traffic: 1,000 requests as fast as possible at 600 a minute admit the burst of "
          "600, then one per 100 ms") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--rpm", "600"});
  gw.start();
  const nlohmann::json body = chat_request("echo");
  int admitted = 0;
  int first_refused = -1;
  const Steady::time_point first_sent = Steady::now();
  Steady::time_point first_answered;
  Steady::time_point last_sent;
  for (int i = 0; i < 1000; ++i) {
    last_sent = Steady::now();
    httplib::Result result = post_chat(gw, key, body);
    REQUIRE(result);
    if (i == 0) {
      first_answered = Steady::now();
    }
    if (result->status == 200) {
      ++admitted;
      continue;
    }
    CAPTURE(i);
    // A cell frees every 100 ms: the wait, rounded up to a second, is 1.
    REQUIRE(reply_of(result) ==
            rate_refusal("Rate limit exceeded: 600 requests per minute for this key", "1"));
    CHECK(result->get_header_value("Retry-After") == "1");
    CHECK(result->get_header_value("x-ratelimit-remaining-requests") == "0");
    first_refused = first_refused < 0 ? i : first_refused;
  }
  const Steady::time_point last_answered = Steady::now();
  // The burst whole, then the rate: one more admission per 100 ms the gateway saw pass
  // between the first request and the last (its clock read somewhere inside each).
  CHECK(first_refused >= 600);
  const std::int64_t least = 600 + std::max<std::int64_t>(0, ms_between(first_answered, last_sent) / 100);
  const std::int64_t most = 600 + ms_between(first_sent, last_answered) / 100 + 1;
  CAPTURE(least);
  CAPTURE(most);
  CHECK(admitted >= least);
  CHECK(admitted <= most);
  CHECK(gw.query_int("SELECT COUNT(*) FROM request_log WHERE status = 429 AND "
                     "error_code = 'rate_limit_exceeded'") == 1000 - admitted);
}

TEST_CASE("traffic: a limited key's proxied answers carry x-ratelimit-* headers, an "
          "unlimited key's none") {
  GatewayUnderTest gw;
  TestKey paced = gw.create_key({"--rpm", "6", "--rpd", "1000", "--tpm", "10000"});
  TestKey parallel_only = gw.create_key({"--max-parallel", "3"});
  TestKey unlimited = gw.create_key();
  gw.start();
  const nlohmann::json body = chat_request("echo");
  const std::int64_t estimate = prompt_estimate(body);
  REQUIRE(estimate * 6 < 1000);  // its reset, 6 ms a token, is shown in ms
  httplib::Result first = post_chat(gw, paced, body);
  REQUIRE(first);
  CHECK(first->status == 200);
  // Per minute is the tighter request rate (5 left, against 999 a day); one cell of 6 a
  // minute is back in 10 s. Tokens: the prompt estimate is charged at admission.
  CHECK(rate_headers(first) == std::map<std::string, std::string>{
                                   {"x-ratelimit-limit-requests", "6"},
                                   {"x-ratelimit-remaining-requests", "5"},
                                   {"x-ratelimit-reset-requests", "10s"},
                                   {"x-ratelimit-limit-tokens", "10000"},
                                   {"x-ratelimit-remaining-tokens", std::to_string(10000 - estimate)},
                                   {"x-ratelimit-reset-tokens", fmt::format("{}ms", estimate * 6)}});
  nlohmann::json streaming = body;
  streaming["stream"] = true;
  httplib::Result stream = post_chat(gw, paced, streaming);
  REQUIRE(stream);
  CHECK(stream->status == 200);
  CHECK(stream->get_header_value("x-ratelimit-limit-requests") == "6");
  CHECK(stream->get_header_value("x-ratelimit-remaining-requests") == "4");
  // A refusal after the rates (a missing model) is no proxied answer: it takes nothing
  // and says nothing of them.
  httplib::Result unknown = post_chat(gw, paced, chat_request("no-such-model"));
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(rate_headers(unknown).empty());
  // GET /v1/key shows the limits; it is not a request that runs, and counts toward none.
  for (int i = 0; i < 3; ++i) {
    CHECK(gw.get("/v1/key", bearer(paced)).body["traffic_limits"] ==
          nlohmann::json{{"requests_per_minute", 6}, {"requests_per_day", 1000},
                         {"tokens_per_minute", 10000}, {"max_parallel", nullptr}});
  }
  CHECK(post_chat(gw, paced, body)->get_header_value("x-ratelimit-remaining-requests") == "3");  // the 400 took nothing
  for (const TestKey* key : {&parallel_only, &unlimited}) {
    httplib::Result answer = post_chat(gw, *key, body);
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(rate_headers(answer).empty());
  }
}

TEST_CASE("traffic: a refused request consumes nothing, and the checks run in order: "
          "status, address, rates, budgets, IAM") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--rpm", "2", "--deny-model", "gratis"});
  gw.start();
  // Refused by IAM (after the rates), by a malformed body (before them): none counts.
  for (int i = 0; i < 5; ++i) {
    CHECK(gw.chat(key, chat_request("gratis")).status == 403);
    CHECK(gw.post("/v1/chat/completions", "{not json", bearer(key)).status == 400);
  }
  // Refused by the key's budget (after the rates): none counts either.
  gw.cli({"key", "update", key.id, "--limit", "0"});
  for (int i = 0; i < 5; ++i) {
    CHECK(gw.chat(key, chat_request("echo")).status == 402);
  }
  gw.cli({"key", "update", key.id, "--no-limit"});
  const Steady::time_point filled = Steady::now();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  // Two of 2 a minute taken: the next cell is back 30 s after the first was taken.
  const std::string message = "Rate limit exceeded: 2 requests per minute for this key";
  check_rate_refusal(gw.chat(key, chat_request("echo")), message, 30'000, filled);
  // Rates come before budgets (429, retryable, not 402) and before IAM.
  gw.cli({"key", "update", key.id, "--limit", "0"});
  check_rate_refusal(gw.chat(key, chat_request("echo")), message, 30'000, filled);
  check_rate_refusal(gw.chat(key, chat_request("gratis")), message, 30'000, filled);
  // Address rules and status come before rates.
  gw.cli({"key", "rule", "add", key.id, "--deny-ip", "127.0.0.1"});
  CHECK(gw.chat(key, chat_request("echo")).status == 403);
  gw.cli({"key", "disable", key.id});
  CHECK(gw.chat(key, chat_request("echo")).body["code"] == "key_disabled");
}

TEST_CASE("traffic: a change made with the CLI holds from the next request") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--rpd", "1"});
  gw.start();
  const Steady::time_point taken = Steady::now();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  check_rate_refusal(gw.chat(key, chat_request("echo")),
                     "Rate limit exceeded: 1 request per day for this key", 86'400'000, taken);
  gw.cli({"key", "update", key.id, "--rpd", "5"});  // the one taken still counts
  for (int i = 0; i < 4; ++i) {
    CHECK(gw.chat(key, chat_request("echo")).status == 200);
  }
  CHECK(gw.chat(key, chat_request("echo")).status == 429);
  gw.cli({"key", "update", key.id, "--no-rpd"});
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
}

TEST_CASE("traffic: tokens are charged the prompt estimate, then what was used, and a debt "
          "pushes the next admission out") {
  GatewayUnderTest gw;
  // Far more than a minute's tokens in one answer.
  const TokenCounts used{10, 1000, 0};
  gw.alpha.answer_json("POST", "/v1/chat/completions", 200,
                       completion_json("premium-upstream", "long", used));
  TestKey key = gw.create_key({"--tpm", "100"});
  gw.start();
  const nlohmann::json body = chat_request("premium");
  const std::int64_t estimate = prompt_estimate(body);
  REQUIRE(estimate <= 100);
  const Steady::time_point sent = Steady::now();
  CHECK(gw.chat(key, body).status == 200);
  httplib::Result refused = post_chat(gw, key, body);
  const std::int64_t elapsed = ms_between(sent, Steady::now());
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(reply_of(refused).body["message"] == "Rate limit exceeded: 100 tokens per minute for this key");
  // 600 ms a token: the 1,010 used and one more token must fit in one minute's 60 s. The
  // head is refused before the body (and its estimate) is read: its wait is for one token.
  const std::int64_t wait = (used.prompt + used.completion + 1) * 600 - 60'000;
  const std::int64_t retry_after = std::stoll(refused->get_header_value("Retry-After"));
  CAPTURE(elapsed);
  CHECK(retry_after <= (wait + 999) / 1000);
  CHECK(retry_after >= (wait - elapsed + 999) / 1000);
  CHECK(refused->get_header_value("x-ratelimit-remaining-tokens") == "0");
}

TEST_CASE("traffic: 100 concurrent streams at max-parallel 5 never pass 5 in flight at the "
          "upstream, and all are served") {
  GatewayUnderTest gw;
  auto in_flight = std::make_shared<std::atomic<int>>(0);
  auto most = std::make_shared<std::atomic<int>>(0);
  gw.alpha.handle("POST", "/v1/chat/completions",
                  [in_flight, most](const httplib::Request&, httplib::Response& response) {
                    int now = ++*in_flight;
                    for (int seen = *most; now > seen && !most->compare_exchange_weak(seen, now);) {
                    }
                    response.set_chunked_content_provider(
                        "text/event-stream", [in_flight](std::size_t, httplib::DataSink& sink) {
                          for (int i = 0; i < 5; ++i) {
                            std::this_thread::sleep_for(std::chrono::milliseconds(20));
                            std::string event = sse(content_chunk("premium-upstream", "word "));
                            if (!sink.write(event.data(), event.size())) {
                              break;
                            }
                          }
                          // Out of the count before the end reaches the gateway.
                          --*in_flight;
                          std::string end = sse(usage_chunk("premium-upstream", {10, 5, 0})) +
                                            k_sse_done;
                          sink.write(end.data(), end.size());
                          sink.done();
                          return true;
                        });
                  });
  TestKey key = gw.create_key({"--max-parallel", "5"});
  gw.start();
  nlohmann::json body = chat_request("premium");
  body["stream"] = true;
  std::atomic<int> served{0};
  std::atomic<int> refused{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 100; ++c) {
    clients.emplace_back([&] {
      for (int attempt = 0; attempt < 5000; ++attempt) {  // retried on 429, bounded
        std::string received;
        httplib::Result result = gw.stream_chat(key, body, [&](const char* data, std::size_t size) {
          received.append(data, size);
          return true;
        });
        if (result && result->status == 429) {
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        (result && result->status == 200 && received.find("[DONE]") != std::string::npos
             ? served
             : wrong)++;
        return;
      }
      ++wrong;
    });
  }
  for (std::thread& client : clients) {
    client.join();
  }
  CHECK(wrong == 0);
  CHECK(served == 100);
  CHECK(refused > 0);
  CHECK(*most <= 5);
  CHECK(*most >= 2);  // the clients did overlap
  // Every slot came back: five streams at once are all admitted again.
  std::atomic<int> again{0};
  std::vector<std::thread> five;
  for (int c = 0; c < 5; ++c) {
    five.emplace_back([&] {
      httplib::Result result = gw.stream_chat(key, body, [](const char*, std::size_t) { return true; });
      again += result && result->status == 200 ? 1 : 0;
    });
  }
  for (std::thread& client : five) {
    client.join();
  }
  CHECK(again == 5);
  CHECK(gw.query_int("SELECT COUNT(*) FROM request_log WHERE status = 200") == 105);
  CHECK(gw.query_int("SELECT COUNT(*) FROM request_log WHERE status = 429 AND error_code = "
                     "'rate_limit_exceeded'") == refused);
}
