#include "core/money.h"

#include "core/error.h"

#include <fmt/format.h>

#include <limits>

namespace llmgw {

namespace {

constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();

[[noreturn]] void fail(std::string_view what, std::string_view text, std::string_view why) {
  throw_invalid(fmt::format("invalid {} '{}': {}", what, text, why));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::int64_t parse_fixed_decimal(std::string_view text, int decimals, std::string_view what) {
  if (text.empty()) {
    fail(what, text, "expected a number such as 10 or 0.5");
  }
  if (text.size() > 64) {
    fail(what, text.substr(0, 64), "too long");
  }
  std::size_t point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? "" : text.substr(point + 1);
  if (text[0] == '-') {
    fail(what, text, "must not be negative");
  }
  bool digits_only = !whole.empty() && (point == std::string_view::npos || !fraction.empty());
  for (char c : whole) {
    digits_only = digits_only && is_digit(c);
  }
  for (char c : fraction) {
    digits_only = digits_only && is_digit(c);
  }
  if (!digits_only) {
    fail(what, text, "expected a plain decimal number such as 10 or 0.5");
  }
  if (fraction.size() > static_cast<std::size_t>(decimals)) {
    fail(what, text, fmt::format("at most {} decimal places", decimals));
  }
  std::int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) {
    scale *= 10;
  }
  std::int64_t value = 0;
  for (char c : whole) {
    if (value > (k_max - (c - '0')) / 10) {
      fail(what, text, "too large");
    }
    value = value * 10 + (c - '0');
  }
  if (value > k_max / scale) {
    fail(what, text, "too large");
  }
  value *= scale;
  std::int64_t place = scale;
  for (char c : fraction) {
    place /= 10;
    std::int64_t add = (c - '0') * place;
    if (value > k_max - add) {
      fail(what, text, "too large");
    }
    value += add;
  }
  return value;
}

std::string format_fixed_decimal(std::int64_t value, int decimals) {
  std::int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) {
    scale *= 10;
  }
  // Work on the magnitude as unsigned so INT64_MIN is safe.
  bool negative = value < 0;
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : value;
  std::uint64_t whole = magnitude / static_cast<std::uint64_t>(scale);
  std::uint64_t fraction = magnitude % static_cast<std::uint64_t>(scale);
  std::string text = fmt::format("{}{}", negative ? "-" : "", whole);
  if (fraction != 0) {
    std::string digits = fmt::format("{:0{}}", fraction, decimals);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text;
}

Money Money::parse_usd(std::string_view text, std::string_view what) {
  return Money(parse_fixed_decimal(text, k_decimals, what));
}

std::string Money::to_usd() const {
  return format_fixed_decimal(m_units, k_decimals);
}

Money Money::operator+(Money other) const {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(m_units, other.m_units, &sum)) {
    throw_invalid("amount out of range");
  }
  return Money(sum);
}

Money Money::operator-(Money other) const {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(m_units, other.m_units, &difference)) {
    throw_invalid("amount out of range");
  }
  return Money(difference);
}

Money Money::operator*(std::int64_t factor) const {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(m_units, factor, &product)) {
    throw_invalid("amount out of range");
  }
  return Money(product);
}

}  // namespace llmgw
