#include "core/period.h"

#include "core/error.h"

#include <fmt/format.h>

namespace llmgw {

namespace {

struct UnitSpec {
  std::string_view suffix;
  PeriodUnit unit;
  int max_count;
};

constexpr UnitSpec k_units[] = {
    {"h", PeriodUnit::hour, 8760},
    {"d", PeriodUnit::day, 365},
    {"w", PeriodUnit::week, 52},
    {"mo", PeriodUnit::month, 12},
};

Timestamp fixed_length(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::hour:
      return k_ms_per_hour;
    case PeriodUnit::day:
      return k_ms_per_day;
    case PeriodUnit::week:
      return 7 * k_ms_per_day;
    case PeriodUnit::month:
      break;
  }
  return 0;
}

Timestamp floor_div(Timestamp a, Timestamp b) {
  Timestamp q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

Timestamp add_months(Timestamp month_start, int months) {
  CivilTime c = to_civil(month_start);
  c.month += months;
  return from_civil(c);
}

}  // namespace

Period Period::parse(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  std::string_view suffix = text.substr(digits);
  for (const UnitSpec& spec : k_units) {
    if (suffix != spec.suffix || digits == 0 || digits > 4) {
      continue;
    }
    int count = std::stoi(std::string(text.substr(0, digits)));
    if (count < 1 || count > spec.max_count) {
      throw_invalid(fmt::format("invalid period '{}': must be 1{} to {}{}", text, spec.suffix,
                                spec.max_count, spec.suffix));
    }
    return Period(count, spec.unit);
  }
  throw_invalid(fmt::format(
      "invalid period '{}': expected a count and a unit: 1h..8760h, 1d..365d, 1w..52w or "
      "1mo..12mo",
      text));
}

std::string Period::to_string() const {
  for (const UnitSpec& spec : k_units) {
    if (spec.unit == m_unit) {
      return fmt::format("{}{}", m_count, spec.suffix);
    }
  }
  return {};
}

Timestamp Period::anchor_for(Timestamp t) const {
  switch (m_unit) {
    case PeriodUnit::hour:
    case PeriodUnit::day:
      return floor_div(t, fixed_length(m_unit)) * fixed_length(m_unit);
    case PeriodUnit::week: {
      // 1970-01-01 was a Thursday; Mondays are 4 days later, modulo 7.
      Timestamp monday = 4 * k_ms_per_day;
      return floor_div(t - monday, 7 * k_ms_per_day) * 7 * k_ms_per_day + monday;
    }
    case PeriodUnit::month: {
      CivilTime c = to_civil(t);
      return from_civil(CivilTime{c.year, c.month, 1, 0, 0, 0, 0});
    }
  }
  return t;
}

Window Period::window_at(Timestamp anchor, Timestamp t) const {
  if (m_unit != PeriodUnit::month) {
    Timestamp length = fixed_length(m_unit) * m_count;
    Timestamp index = t < anchor ? 0 : floor_div(t - anchor, length);
    return {anchor + index * length, anchor + (index + 1) * length};
  }
  CivilTime a = to_civil(anchor);
  CivilTime c = to_civil(t);
  int months = (c.year - a.year) * 12 + (c.month - a.month);
  int index = t < anchor ? 0 : months / m_count;
  return {add_months(anchor, index * m_count), add_months(anchor, (index + 1) * m_count)};
}

}  // namespace llmgw
