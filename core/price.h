#pragma once
// A token price. People give and read it in USD per 1M tokens with at most 6 decimals;
// llmgw keeps it as a whole number of picodollars per token (1e-6 USD per 1M tokens is
// exactly 1e-12 USD per token), so the cost of any number of tokens is exact Money.
#include "core/money.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw {

class Price {
public:
  static constexpr int k_decimals = 6;
  // 1,000,000 USD per 1M tokens (1 USD per token): far above any list price, and small
  // enough that every price survives a trip through a JSON number (a double).
  static constexpr std::int64_t k_max_per_token = Money::k_units_per_usd;

  constexpr Price() = default;
  static constexpr Price from_per_token(std::int64_t picodollars) { return Price(picodollars); }
  // "2.5" (USD per 1M tokens). Throws Error(invalid) "invalid <what> '<text>': <why>" for
  // a sign, an exponent, more than 6 decimals or more than the maximum.
  static Price parse_per_million(std::string_view text, std::string_view what);
  // A JSON string ("2.5") or number (2.5, 2) of USD per 1M tokens. A number must equal a
  // decimal of at most 6 places. Throws Error(invalid) naming `what`.
  static Price from_json(const nlohmann::json& value, std::string_view what);

  constexpr std::int64_t per_token() const { return m_per_token; }
  // USD per 1M tokens, shortest exact form: "2.5", "0.000001", "0".
  std::string to_string() const;
  // The exact cost of `tokens` tokens. Throws Error(invalid) when it overflows Money.
  Money cost(std::int64_t tokens) const;

  constexpr bool is_zero() const { return m_per_token == 0; }
  constexpr bool operator==(Price o) const { return m_per_token == o.m_per_token; }
  constexpr bool operator!=(Price o) const { return m_per_token != o.m_per_token; }
  constexpr bool operator<(Price o) const { return m_per_token < o.m_per_token; }
  constexpr bool operator<=(Price o) const { return m_per_token <= o.m_per_token; }
  constexpr bool operator>(Price o) const { return m_per_token > o.m_per_token; }
  constexpr bool operator>=(Price o) const { return m_per_token >= o.m_per_token; }

private:
  constexpr explicit Price(std::int64_t per_token) : m_per_token(per_token) {}
  std::int64_t m_per_token = 0;
};

}  // namespace llmgw
