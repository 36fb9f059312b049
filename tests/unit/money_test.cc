#include "core/error.h"
#include "core/money.h"

#include <doctest/doctest.h>

using llmgw::Money;

TEST_CASE("money: parses and prints USD exactly") {
  CHECK(Money::parse_usd("10").to_usd() == "10");
  CHECK(Money::parse_usd("10.5").to_usd() == "10.5");
  CHECK(Money::parse_usd("0.000001").units() == 1'000'000);
}
