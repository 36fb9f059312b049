#include "core/price.h"

#include "core/error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace llmgw {

namespace {

constexpr std::int64_t k_per_million_scale = 1'000'000;  // 10^k_decimals

Price checked(std::int64_t per_token, std::string_view what, std::string_view text) {
  if (per_token > Price::k_max_per_token) {
    throw_invalid(fmt::format("invalid {} '{}': at most {} USD per 1M tokens", what, text,
                              Price::k_max_per_token / k_per_million_scale));
  }
  return Price::from_per_token(per_token);
}

}  // namespace

Price Price::parse_per_million(std::string_view text, std::string_view what) {
  return checked(parse_fixed_decimal(text, k_decimals, what), what, text);
}

Price Price::from_json(const nlohmann::json& value, std::string_view what) {
  if (value.is_string()) {
    return parse_per_million(value.get_ref<const std::string&>(), what);
  }
  if (value.is_number_unsigned() || value.is_number_integer()) {
    return parse_per_million(value.dump(), what);
  }
  if (value.is_number_float()) {
    // The double must be the one nearest to a decimal of at most 6 places.
    double number = value.get<double>();
    std::string text = fmt::format("{:.{}f}", number, k_decimals);
    if (number < 0 || std::strtod(text.c_str(), nullptr) != number) {
      throw_invalid(
          fmt::format("invalid {} '{}': expected a non-negative number with at most "
                      "{} decimal places",
                      what, value.dump(), k_decimals));
    }
    return parse_per_million(text, what);
  }
  throw_invalid(
      fmt::format("invalid {} {}: expected a price in USD per 1M tokens, such as "
                  "\"2.5\" or 2.5",
                  what, value.dump()));
}

std::string Price::to_string() const {
  return format_fixed_decimal(m_per_token, k_decimals);
}

Money Price::cost(std::int64_t tokens) const {
  std::int64_t units = 0;
  if (__builtin_mul_overflow(tokens, m_per_token, &units)) {
    throw_invalid("amount out of range");
  }
  return Money::from_units(units);
}

}  // namespace llmgw
