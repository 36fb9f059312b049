// daemon/traffic.h on a fake clock: admission whole or not at all, the 429 naming the
// limit with the longest wait, a pass dropped unfinished giving everything back, a
// finished one correcting the token rate, slots, and the x-ratelimit-* headers.
#include "daemon/traffic.h"

#include "daemon/http_error.h"
#include "tests/support/fake_clock.h"

#include <doctest/doctest.h>

#include <optional>
#include <vector>

using llmgw::ApiKey;
using llmgw::TrafficLimits;
using llmgw::daemon::HttpError;
using llmgw::daemon::Response;
using llmgw::daemon::Traffic;
using llmgw::daemon::TrafficPass;

namespace {

constexpr llmgw::Timestamp k_start = 1'000'000;

ApiKey key_with(TrafficLimits limits) {
  ApiKey key;
  key.id = "key_aaaaaaaaaaaa";
  key.traffic = limits;
  return key;
}

struct Refused {
  int status = 0;
  std::string message;
  std::string retry_after;
};

// What admit() throws, or nothing when it admits (the pass is then dropped or kept).
std::optional<Refused> refusal_of(Traffic& traffic, const ApiKey& key, std::int64_t tokens,
                                  std::vector<TrafficPass>* kept = nullptr) {
  Response response;
  try {
    TrafficPass pass = traffic.admit(key, tokens, response);
    if (kept != nullptr) {
      kept->push_back(std::move(pass));
    } else {
      pass.finish(tokens);
    }
    return std::nullopt;
  } catch (const HttpError& e) {
    return Refused{e.status(), e.what(), e.extra().value("retry_after", "")};
  }
}

bool operator==(const Refused& a, const Refused& b) {
  return a.status == b.status && a.message == b.message && a.retry_after == b.retry_after;
}

std::ostream& operator<<(std::ostream& out, const Refused& r) {
  return out << r.status << " " << r.message << " (retry after " << r.retry_after << ")";
}

}  // namespace

TEST_CASE("traffic: requests per minute admit the burst, then refuse with the exact wait") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  const ApiKey key = key_with({3, std::nullopt, std::nullopt, std::nullopt});
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(refusal_of(traffic, key, 10));
  }
  CHECK(refusal_of(traffic, key, 10) ==
        Refused{429, "Rate limit exceeded: 3 requests per minute for this key", "20"});
  clock.advance(19'001);  // 999 ms short: still 1 s, rounded up
  CHECK(refusal_of(traffic, key, 10)->retry_after == "1");
  clock.advance(999);
  CHECK_FALSE(refusal_of(traffic, key, 10));
  CHECK(refusal_of(traffic, key, 10));
}

TEST_CASE("traffic: the refusal names the limit with the longest wait, and takes nothing") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  const ApiKey key = key_with({1, 1, 100, std::nullopt});
  CHECK_FALSE(refusal_of(traffic, key, 10));
  CHECK(refusal_of(traffic, key, 10) ==
        Refused{429, "Rate limit exceeded: 1 request per day for this key", "86400"});
  // A minute later the day still refuses; the minute's rate was not taken by the refusal.
  clock.advance(60'000);
  CHECK(refusal_of(traffic, key, 10)->message == "Rate limit exceeded: 1 request per day for this key");
  const ApiKey per_minute = key_with({1, std::nullopt, 100, std::nullopt});
  CHECK_FALSE(refusal_of(traffic, per_minute, 10));  // the day's limit removed: remade
}

TEST_CASE("traffic: a pass dropped unfinished gives back its request and its tokens") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  const ApiKey key = key_with({2, std::nullopt, 100, 1});
  Response response;
  for (int i = 0; i < 10; ++i) {
    TrafficPass refused_later = traffic.admit(key, 60, response);  // then dropped: a 402, a 403
  }
  std::vector<TrafficPass> kept;
  CHECK_FALSE(refusal_of(traffic, key, 60, &kept));
  // One in flight of one.
  CHECK(refusal_of(traffic, key, 1) ==
        Refused{429, "Rate limit exceeded: 1 request in flight at once for this key", "1"});
  kept.clear();  // dropped: everything back
  CHECK_FALSE(refusal_of(traffic, key, 60));
  CHECK_FALSE(refusal_of(traffic, key, 30));
  CHECK(refusal_of(traffic, key, 1)->message == "Rate limit exceeded: 2 requests per minute for this key");
}

TEST_CASE("traffic: tokens are charged the estimate, then corrected to what was used") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  const ApiKey key = key_with({std::nullopt, std::nullopt, 100, std::nullopt});
  Response response;
  {
    TrafficPass pass = traffic.admit(key, 90, response);
    CHECK(refusal_of(traffic, key, 20));  // 90 of 100 charged: 20 more do not fit
    pass.finish(10);                       // it used 10: 80 come back
  }
  CHECK_FALSE(refusal_of(traffic, key, 90));  // and are used
  {
    TrafficPass pass = traffic.admit(key, 0, response);
    pass.finish(1000);  // a debt of 1,000 tokens (at 600 ms each): 600 s
  }
  // 1,100 tokens ahead (a full minute's 100 and the debt), 100 allowed: one more token
  // waits for 1,001 tokens' time, 600.6 s, rounded up.
  CHECK(refusal_of(traffic, key, 1) ==
        Refused{429, "Rate limit exceeded: 100 tokens per minute for this key", "601"});
  clock.advance(600'599);
  CHECK(refusal_of(traffic, key, 1)->retry_after == "1");
  clock.advance(1);
  CHECK_FALSE(refusal_of(traffic, key, 1));
}

TEST_CASE("traffic: a prompt larger than a minute's tokens fits only a full limit") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  const ApiKey key = key_with({std::nullopt, std::nullopt, 100, std::nullopt});
  CHECK_FALSE(refusal_of(traffic, key, 250));  // full: admitted, 150 of debt
  CHECK(refusal_of(traffic, key, 250)->retry_after == "150");  // back to full: 250 tokens' time
}

TEST_CASE("traffic: a key without limits is counted but never refused, and a new limit "
          "holds from the next request") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  std::vector<TrafficPass> kept;
  for (int i = 0; i < 100; ++i) {
    CHECK_FALSE(refusal_of(traffic, key_with({}), 1000, &kept));
  }
  // max_parallel set while 100 are in flight: refused until they end.
  const ApiKey limited = key_with({std::nullopt, std::nullopt, std::nullopt, 100});
  CHECK(refusal_of(traffic, limited, 1));
  kept.pop_back();
  CHECK_FALSE(refusal_of(traffic, limited, 1));
}

TEST_CASE("traffic: refuse_if_full refuses what admit would, taking nothing") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  const ApiKey key = key_with({1, std::nullopt, std::nullopt, std::nullopt});
  Response response;
  for (int i = 0; i < 3; ++i) {
    traffic.refuse_if_full(key, response);
  }
  CHECK(response.headers.empty());  // admitted: untouched
  CHECK_FALSE(refusal_of(traffic, key, 1));
  CHECK_THROWS_AS(traffic.refuse_if_full(key, response), HttpError);
  CHECK(response.get_header_value("x-ratelimit-remaining-requests") == "0");
}

TEST_CASE("traffic: the x-ratelimit-* headers, resets written as OpenAI writes them") {
  test::FakeClock clock(k_start);
  Traffic traffic(clock);
  Response response;
  TrafficPass pass = traffic.admit(key_with({60, 10, 1000, std::nullopt}), 50, response);
  CHECK(response.headers.empty());  // written by the caller, once nothing else refuses
  llmgw::daemon::set_rate_headers(response, pass.rates());
  // Requests: the day's 9 left are fewer than the minute's 59; its cell is back in 2.4 h.
  CHECK(response.get_header_value("x-ratelimit-limit-requests") == "10");
  CHECK(response.get_header_value("x-ratelimit-remaining-requests") == "9");
  CHECK(response.get_header_value("x-ratelimit-reset-requests") == "2h24m0s");
  CHECK(response.get_header_value("x-ratelimit-limit-tokens") == "1000");
  CHECK(response.get_header_value("x-ratelimit-remaining-tokens") == "950");
  CHECK(response.get_header_value("x-ratelimit-reset-tokens") == "3s");
  Response short_wait;
  TrafficPass other = traffic.admit(key_with({600, std::nullopt, 100000, std::nullopt}), 5, short_wait);
  llmgw::daemon::set_rate_headers(short_wait, other.rates());
  // The same key with other limits: each changed rate keeps what was taken, the request
  // (100 ms a cell at 600 a minute) and the 50 tokens (0.6 ms each at 100,000), then takes
  // one more request and 5 tokens.
  CHECK(short_wait.get_header_value("x-ratelimit-reset-requests") == "200ms");
  CHECK(short_wait.get_header_value("x-ratelimit-reset-tokens") == "33ms");
  Response none;
  TrafficPass unlimited = traffic.admit(key_with({std::nullopt, std::nullopt, std::nullopt, 3}), 5, none);
  llmgw::daemon::set_rate_headers(none, unlimited.rates());
  CHECK(none.headers.empty());
}
