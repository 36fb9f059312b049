#pragma once
// Exact money. An amount is a whole number of picodollars (1e-12 USD) in an int64, so
// every amount from 0 to 9,223,372.036854775807 USD is exact and sums never round.
// This file is the one place that turns text into money and back.
#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw {

class Money {
public:
  static constexpr int k_decimals = 12;
  static constexpr std::int64_t k_units_per_usd = 1'000'000'000'000;

  constexpr Money() = default;
  static constexpr Money from_units(std::int64_t units) { return Money(units); }
  // Parses a non-negative USD amount: "10", "10.5", "0.000001". Throws Error(invalid)
  // naming `what` for anything else: a sign, an exponent, NaN, empty text, more than
  // 12 decimals, or more than the maximum.
  static Money parse_usd(std::string_view text, std::string_view what = "amount");

  constexpr std::int64_t units() const { return m_units; }
  // Shortest exact decimal form: "10", "10.5", "0.000001".
  std::string to_usd() const;

  // Checked arithmetic: throws Error(invalid) instead of overflowing.
  Money operator+(Money other) const;
  Money operator-(Money other) const;
  Money operator*(std::int64_t factor) const;
  Money& operator+=(Money other) { return *this = *this + other; }
  Money& operator-=(Money other) { return *this = *this - other; }

  constexpr bool operator==(Money o) const { return m_units == o.m_units; }
  constexpr bool operator!=(Money o) const { return m_units != o.m_units; }
  constexpr bool operator<(Money o) const { return m_units < o.m_units; }
  constexpr bool operator<=(Money o) const { return m_units <= o.m_units; }
  constexpr bool operator>(Money o) const { return m_units > o.m_units; }
  constexpr bool operator>=(Money o) const { return m_units >= o.m_units; }

private:
  constexpr explicit Money(std::int64_t units) : m_units(units) {}
  std::int64_t m_units = 0;
};

// A non-negative decimal with at most `decimals` digits after the point, as an integer
// count of 10^-decimals. Throws Error(invalid) "invalid <what> '<text>': <why>".
std::int64_t parse_fixed_decimal(std::string_view text, int decimals, std::string_view what);
// The shortest decimal text of `value` * 10^-decimals; `value` may be negative.
std::string format_fixed_decimal(std::int64_t value, int decimals);

}  // namespace llmgw
