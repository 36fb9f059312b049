#include "core/error.h"
#include "core/money.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

using llmgw::Money;
using test::invalid;
using test::thrown_by;

namespace {

constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();

std::optional<test::Thrown> parse_error(const std::string& text) {
  return thrown_by([&] { Money::parse_usd(text, "--limit"); });
}

}  // namespace

TEST_CASE("money: parses and prints USD exactly") {
  CHECK(Money::parse_usd("10").to_usd() == "10");
  CHECK(Money::parse_usd("10.5").to_usd() == "10.5");
  CHECK(Money::parse_usd("0.000001").units() == 1'000'000);
}

TEST_CASE("money: one unit is a picodollar") {
  CHECK(Money::parse_usd("1").units() == Money::k_units_per_usd);
  CHECK(Money::parse_usd("0.000000000001").units() == 1);
  CHECK(Money::from_units(1).to_usd() == "0.000000000001");
  CHECK(Money::parse_usd("123.456789012345").units() == 123'456'789'012'345);
}

TEST_CASE("money: prints the shortest exact decimal") {
  CHECK(Money().to_usd() == "0");
  CHECK(Money::parse_usd("0").to_usd() == "0");
  CHECK(Money::parse_usd("0.0").to_usd() == "0");
  CHECK(Money::parse_usd("007").to_usd() == "7");
  CHECK(Money::parse_usd("1.500000000000").to_usd() == "1.5");
  CHECK(Money::parse_usd("1000000").to_usd() == "1000000");
  CHECK(Money::parse_usd("0.10").to_usd() == "0.1");
  CHECK(Money::parse_usd("2.000000000001").to_usd() == "2.000000000001");
}

TEST_CASE("money: the largest amount parses and prints") {
  Money max = Money::parse_usd("9223372.036854775807");
  CHECK(max.units() == k_max);
  CHECK(max.to_usd() == "9223372.036854775807");
  CHECK(Money::from_units(k_min).to_usd() == "-9223372.036854775808");
}

TEST_CASE("money: a sign is refused") {
  CHECK(parse_error("-1") == invalid("invalid --limit '-1': must not be negative"));
  CHECK(parse_error("-0") == invalid("invalid --limit '-0': must not be negative"));
  CHECK(parse_error("+1") ==
        invalid("invalid --limit '+1': expected a plain decimal number such as 10 or 0.5"));
}

TEST_CASE("money: NaN, infinity and exponents are refused") {
  for (std::string text : {"NaN", "nan", "inf", "Infinity", "1e309", "1e3", "1E2", "0x10"}) {
    CAPTURE(text);
    CHECK(parse_error(text) ==
          invalid("invalid --limit '" + text +
                  "': expected a plain decimal number such as 10 or 0.5"));
  }
}

TEST_CASE("money: empty text is refused") {
  CHECK(parse_error("") == invalid("invalid --limit '': expected a number such as 10 or 0.5"));
}

TEST_CASE("money: a point needs digits on both sides") {
  for (std::string text : {".5", "1.", ".", "1.2.3", "1,5", " 1", "1 ", "1_000"}) {
    CAPTURE(text);
    CHECK(parse_error(text) ==
          invalid("invalid --limit '" + text +
                  "': expected a plain decimal number such as 10 or 0.5"));
  }
}

TEST_CASE("money: more decimals than a picodollar are refused") {
  CHECK(parse_error("0.0000000000001") ==
        invalid("invalid --limit '0.0000000000001': at most 12 decimal places"));
  CHECK(parse_error("1.1234567890120") ==
        invalid("invalid --limit '1.1234567890120': at most 12 decimal places"));
}

TEST_CASE("money: amounts past the int64 range are refused") {
  CHECK(parse_error("9223372.036854775808") ==
        invalid("invalid --limit '9223372.036854775808': too large"));
  CHECK(parse_error("9223373") == invalid("invalid --limit '9223373': too large"));
  CHECK(parse_error("99999999999") == invalid("invalid --limit '99999999999': too large"));
  // Would wrap around in an unchecked uint64 or int64 accumulator.
  CHECK(parse_error("18446744073709551617") ==
        invalid("invalid --limit '18446744073709551617': too large"));
}

TEST_CASE("money: text longer than 64 characters is refused and shown cut") {
  std::string long_text(65, '1');
  CHECK(parse_error(long_text) ==
        invalid("invalid --limit '" + std::string(64, '1') + "': too long"));
}

TEST_CASE("money: the default name in messages is 'amount'") {
  CHECK(thrown_by([] { Money::parse_usd("x"); }) ==
        invalid("invalid amount 'x': expected a plain decimal number such as 10 or 0.5"));
}

TEST_CASE("money: fixed decimals of another precision") {
  CHECK(llmgw::parse_fixed_decimal("1.25", 2, "price") == 125);
  CHECK(thrown_by([] { llmgw::parse_fixed_decimal("1.234", 2, "price"); }) ==
        invalid("invalid price '1.234': at most 2 decimal places"));
  CHECK(llmgw::format_fixed_decimal(125, 2) == "1.25");
  CHECK(llmgw::format_fixed_decimal(-150, 2) == "-1.5");
  CHECK(llmgw::format_fixed_decimal(7, 0) == "7");
}

TEST_CASE("money: sums of decimal fractions are exact") {
  CHECK(Money::parse_usd("0.1") + Money::parse_usd("0.2") == Money::parse_usd("0.3"));
  Money total;
  for (int i = 0; i < 1000; ++i) {
    total += Money::parse_usd("0.000001");
  }
  CHECK(total.to_usd() == "0.001");
  total -= Money::parse_usd("0.0005");
  CHECK(total.to_usd() == "0.0005");
  CHECK((Money::parse_usd("1") - Money::parse_usd("1.5")).to_usd() == "-0.5");
  CHECK((Money::parse_usd("0.000002") * 1'000'000).to_usd() == "2");
}

TEST_CASE("money: comparisons follow the amounts") {
  Money one = Money::parse_usd("1");
  Money two = Money::parse_usd("2");
  CHECK(one < two);
  CHECK(one <= two);
  CHECK(two > one);
  CHECK(two >= one);
  CHECK(one != two);
  CHECK(one == Money::parse_usd("1.0"));
  CHECK_FALSE(one < one);
}

TEST_CASE("money: overflowing arithmetic throws instead of wrapping") {
  Money max = Money::from_units(k_max);
  Money min = Money::from_units(k_min);
  Money unit = Money::from_units(1);
  auto out_of_range = invalid("amount out of range");
  CHECK(thrown_by([&] { (void)(max + unit); }) == out_of_range);
  CHECK(thrown_by([&] { (void)(min - unit); }) == out_of_range);
  CHECK(thrown_by([&] { (void)(max * 2); }) == out_of_range);
  CHECK(thrown_by([&] { (void)(min * -1); }) == out_of_range);
  Money sum = max;
  CHECK(thrown_by([&] { sum += unit; }) == out_of_range);
  CHECK(sum == max);  // unchanged after the failed add
  CHECK((max - unit + unit) == max);
  CHECK((max * 1) == max);
}
