#pragma once
// Time as llmgw stores it: milliseconds since the Unix epoch, always UTC.
#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw {

using Timestamp = std::int64_t;  // milliseconds since 1970-01-01T00:00:00Z

constexpr Timestamp k_ms_per_second = 1000;
constexpr Timestamp k_ms_per_hour = 3600 * k_ms_per_second;
constexpr Timestamp k_ms_per_day = 24 * k_ms_per_hour;

// The source of "now". The real one reads the system clock; tests substitute their own.
class Clock {
public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock : public Clock {
public:
  Timestamp now() const override;
};

// Milliseconds since an arbitrary start, never going back: for measuring, not for dates.
class SteadyClock : public Clock {
public:
  Timestamp now() const override;
};

// "2026-11-27T06:50:24Z"; milliseconds are shown only when not zero ("...24.120Z").
std::string format_iso(Timestamp t);

// Accepts "2026-12-31" (midnight UTC), "2026-12-31T23:59:59Z", with optional fraction of
// a second and a "+02:00" / "-0530" offset instead of "Z". Throws Error(invalid) naming
// `what` for anything else, including a date-time without a zone.
Timestamp parse_iso(std::string_view text, std::string_view what);

// A positive duration: a whole number and a unit, ms s m h d w ("90m", "30d", "2w").
// Throws Error(invalid) naming `what` otherwise.
Timestamp parse_duration(std::string_view text, std::string_view what);

// Whether an option value is meant as a time (parse_iso) rather than a duration: it starts
// with a digit and holds a '-' ("2026-12-31..."). "later" or "30d" are durations to parse.
bool looks_like_time(std::string_view text);

// Calendar helpers, all UTC.
struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;
};
CivilTime to_civil(Timestamp t);
// Normalises out-of-range fields (month 13 is January of the next year).
Timestamp from_civil(const CivilTime& c);

}  // namespace llmgw
