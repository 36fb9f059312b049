#include "core/cell_rate.h"

#include <doctest/doctest.h>

using llmgw::CellRate;
using llmgw::Timestamp;

namespace {

constexpr Timestamp k_minute = 60'000;
constexpr Timestamp k_start = 1'800'000'000'000;  // any clock: a time in 2027

}  // namespace

TEST_CASE("cell rate: a full limit takes its whole count at once, then one cell per interval") {
  CellRate rate(600, k_minute);
  for (int i = 0; i < 600; ++i) {
    REQUIRE(rate.take(k_start).allowed);
  }
  CellRate::Verdict refused = rate.take(k_start);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == 100);  // 60 s / 600
  CHECK(refused.state.remaining == 0);
  CHECK(refused.state.reset == k_minute);
  CHECK_FALSE(rate.take(k_start + 99).allowed);
  CHECK(rate.take(k_start + 100).allowed);
  CHECK_FALSE(rate.take(k_start + 100).allowed);
}

TEST_CASE("cell rate: 1,000 requests as fast as possible admit the burst, then the rate") {
  CellRate rate(600, k_minute);
  int admitted = 0;
  for (Timestamp t = 0; t < 1000; ++t) {  // one attempt a millisecond for a second
    admitted += rate.take(k_start + t).allowed ? 1 : 0;
  }
  CHECK(admitted == 600 + 9);  // the 600 at once, and one per 100 ms of the 999 elapsed
}

TEST_CASE("cell rate: no double burst at a window's edge") {
  CellRate rate(60, k_minute);
  for (int i = 0; i < 60; ++i) {
    REQUIRE(rate.take(k_start + k_minute - 1).allowed);  // the end of one "window"
  }
  int next_window = 0;
  for (int i = 0; i < 60; ++i) {
    next_window += rate.take(k_start + k_minute).allowed ? 1 : 0;  // the start of the next
  }
  CHECK(next_window == 0);
}

TEST_CASE("cell rate: retry times are exact and round up to the millisecond") {
  CellRate rate(7, k_minute);  // a cell every 8,571.43 ms
  for (int i = 0; i < 7; ++i) {
    REQUIRE(rate.take(k_start).allowed);
  }
  CHECK(rate.take(k_start).retry_after == 8572);
  CHECK_FALSE(rate.take(k_start + 8571).allowed);
  CHECK(rate.take(k_start + 8572).allowed);
  // Seven cells later the limit is exactly where it started.
  CHECK(rate.state(k_start + 8572 + k_minute).remaining == 7);
  CHECK(rate.state(k_start + 8572 + k_minute).reset == 0);
}

TEST_CASE("cell rate: tokens charged at admission and corrected at the end") {
  CellRate tokens(1000, k_minute);
  CHECK(tokens.take(k_start, 500).state.remaining == 500);  // the prompt's estimate
  tokens.charge(k_start, 700);                              // it used 1,200 in all
  CellRate::Verdict in_debt = tokens.take(k_start, 1);
  CHECK_FALSE(in_debt.allowed);
  CHECK(in_debt.retry_after == 12'060);  // 201 tokens' time at 60 ms each
  CHECK(in_debt.state.reset == 72'000);
  tokens.charge(k_start, -1'000'000);  // given back, never beyond full
  CHECK(tokens.state(k_start).remaining == 1000);
  // A request larger than the whole limit fits a full one, and is charged whole.
  CHECK(tokens.take(k_start, 5000).allowed);
  CHECK(tokens.state(k_start).reset == 5 * k_minute);
  CHECK_FALSE(tokens.take(k_start + 4 * k_minute, 1).allowed);
}

TEST_CASE("cell rate: a day's limit of a billion cells stays exact on any clock") {
  CellRate rate(1'000'000'000, 86'400'000);
  CHECK(rate.take(k_start, 999'999'999).allowed);
  CHECK(rate.take(k_start).allowed);
  CellRate::Verdict refused = rate.take(k_start);
  CHECK(refused.retry_after == 1);  // 86.4 µs, rounded up
  CHECK(refused.state.reset == 86'400'000);
}

TEST_CASE("cell rate: a rate remade to another limit keeps the cells it has taken, a debt "
          "included") {
  CellRate rate(10, k_minute);  // 6 s a cell
  for (int i = 0; i < 5; ++i) {
    REQUIRE(rate.take(k_start).allowed);
  }
  CellRate looser = rate.remade(100, k_minute, k_start);  // 5 of 100 taken
  CHECK(looser.state(k_start).remaining == 95);
  CHECK(looser.state(k_start).reset == 3000);
  CellRate tighter = rate.remade(2, k_minute, k_start);  // 5 of 2: a debt of 3 cells
  CHECK(tighter.state(k_start).remaining == 0);
  CHECK(tighter.take(k_start).retry_after == 3 * 30'000 + 30'000);
  CellRate day = rate.remade(1, 24 * 60 * k_minute, k_start + 6000);  // 4 taken, 1 a day
  CHECK(day.take(k_start + 6000).retry_after == 4 * 24 * 60 * k_minute);
  CellRate fresh = CellRate(10, k_minute).remade(3, k_minute, k_start);
  CHECK(fresh.state(k_start).remaining == 3);
}
