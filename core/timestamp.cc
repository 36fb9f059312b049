#include "core/timestamp.h"

#include "core/error.h"

#include <fmt/format.h>

#include <chrono>

namespace llmgw {

namespace {

[[noreturn]] void fail(std::string_view what, std::string_view text, std::string_view why) {
  throw_invalid(fmt::format("invalid {} '{}': {}", what, text, why));
}

// Reads exactly `width` digits at `pos`, or returns -1.
int digits_at(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) {
    return -1;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return -1;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[month - 1];
}

}  // namespace

Timestamp SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Timestamp SteadyClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back: the well-known
// era-based conversion (400-year eras of 146,097 days), exact for every int64 day and
// without the locks of gmtime_r and timegm.
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, CivilTime& c) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

CivilTime to_civil(Timestamp t) {
  CivilTime c;
  std::int64_t days = floor_div(t, k_ms_per_day);
  std::int64_t ms = t - days * k_ms_per_day;
  civil_from_days(days, c);
  c.hour = static_cast<int>(ms / k_ms_per_hour);
  c.minute = static_cast<int>(ms / 60000 % 60);
  c.second = static_cast<int>(ms / 1000 % 60);
  c.millisecond = static_cast<int>(ms % 1000);
  return c;
}

Timestamp from_civil(const CivilTime& c) {
  // Out-of-range months roll into the neighbouring years; days, hours, minutes and
  // seconds simply add up.
  std::int64_t month_index = static_cast<std::int64_t>(c.year) * 12 + (c.month - 1);
  std::int64_t year = floor_div(month_index, 12);
  int month = static_cast<int>(month_index - year * 12) + 1;
  std::int64_t days = days_from_civil(year, month, 1) + (c.day - 1);
  return days * k_ms_per_day + c.hour * k_ms_per_hour +
         static_cast<Timestamp>(c.minute) * 60000 + static_cast<Timestamp>(c.second) * 1000 +
         c.millisecond;
}

std::string format_iso(Timestamp t) {
  CivilTime c = to_civil(t);
  std::string text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day,
                                 c.hour, c.minute, c.second);
  if (c.millisecond != 0) {
    text += fmt::format(".{:03}", c.millisecond);
  }
  return text + "Z";
}

Timestamp parse_iso(std::string_view text, std::string_view what) {
  constexpr std::string_view k_form = "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ";
  CivilTime c;
  c.year = digits_at(text, 0, 4);
  c.month = digits_at(text, 5, 2);
  c.day = digits_at(text, 8, 2);
  if (text.size() < 10 || c.year < 1970 || c.month < 1 || c.month > 12 || c.day < 1 ||
      text[4] != '-' || text[7] != '-' || c.day > days_in_month(c.year, c.month)) {
    fail(what, text, k_form);
  }
  if (text.size() == 10) {
    return from_civil(c);
  }
  c.hour = digits_at(text, 11, 2);
  c.minute = digits_at(text, 14, 2);
  c.second = digits_at(text, 17, 2);
  if ((text[10] != 'T' && text[10] != 't') || text.size() < 19 || text[13] != ':' ||
      text[16] != ':' || c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59 ||
      c.second < 0 || c.second > 59) {
    fail(what, text, k_form);
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == start || pos - start > 9) {
      fail(what, text, k_form);
    }
    std::string_view fraction = text.substr(start, std::min<std::size_t>(pos - start, 3));
    c.millisecond = digits_at(fraction, 0, fraction.size());
    for (std::size_t i = fraction.size(); i < 3; ++i) {
      c.millisecond *= 10;
    }
  }
  std::string_view zone = text.substr(pos);
  Timestamp offset = 0;
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if ((zone.size() == 6 && zone[3] == ':') || zone.size() == 5) {
    int hours = digits_at(zone, 1, 2);
    int minutes = digits_at(zone, zone.size() - 2, 2);
    if ((zone[0] != '+' && zone[0] != '-') || hours < 0 || hours > 23 || minutes < 0 ||
        minutes > 59) {
      fail(what, text, k_form);
    }
    offset = (hours * 60 + minutes) * 60 * k_ms_per_second * (zone[0] == '-' ? -1 : 1);
  } else {
    fail(what, text, zone.empty() ? "a time needs a zone: Z or an offset such as +02:00"
                                  : k_form);
  }
  return from_civil(c) - offset;
}

bool looks_like_time(std::string_view text) {
  return !text.empty() && text[0] >= '0' && text[0] <= '9' &&
         text.find('-') != std::string_view::npos;
}

Timestamp parse_duration(std::string_view text, std::string_view what) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  std::string_view unit = text.substr(digits);
  Timestamp unit_ms = 0;
  if (unit == "ms") {
    unit_ms = 1;
  } else if (unit == "s") {
    unit_ms = k_ms_per_second;
  } else if (unit == "m") {
    unit_ms = 60 * k_ms_per_second;
  } else if (unit == "h") {
    unit_ms = k_ms_per_hour;
  } else if (unit == "d") {
    unit_ms = k_ms_per_day;
  } else if (unit == "w") {
    unit_ms = 7 * k_ms_per_day;
  }
  if (digits == 0 || digits > 6 || unit_ms == 0) {
    fail(what, text, "expected a duration such as 500ms, 90m, 12h, 30d or 2w");
  }
  Timestamp count = digits_at(text, 0, digits);
  if (count == 0) {
    fail(what, text, "must be greater than zero");
  }
  return count * unit_ms;
}

}  // namespace llmgw
