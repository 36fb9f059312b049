#include "core/timestamp.h"

#include "core/error.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

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

CivilTime to_civil(Timestamp t) {
  std::int64_t ms = t % 1000;
  std::int64_t seconds = t / 1000;
  if (ms < 0) {
    ms += 1000;
    seconds -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
          tm.tm_min,         tm.tm_sec,     static_cast<int>(ms)};
}

Timestamp from_civil(const CivilTime& c) {
  std::tm tm{};
  tm.tm_year = c.year - 1900;
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  return static_cast<Timestamp>(timegm(&tm)) * 1000 + c.millisecond;
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
