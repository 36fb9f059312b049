#include "core/timestamp.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>

#include <string>

using llmgw::format_iso;
using llmgw::k_ms_per_day;
using llmgw::k_ms_per_hour;
using llmgw::parse_duration;
using llmgw::parse_iso;
using llmgw::Timestamp;
using test::invalid;
using test::thrown_by;

namespace {

constexpr Timestamp k_2026_12_31 = 1798675200000;  // 2026-12-31T00:00:00Z

std::optional<test::Thrown> iso_error(const std::string& text) {
  return thrown_by([&] { parse_iso(text, "--expires"); });
}

std::optional<test::Thrown> duration_error(const std::string& text) {
  return thrown_by([&] { parse_duration(text, "--expires"); });
}

}  // namespace

TEST_CASE("timestamp: ISO format is UTC with milliseconds only when set") {
  CHECK(format_iso(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso(k_2026_12_31) == "2026-12-31T00:00:00Z");
  CHECK(format_iso(k_2026_12_31 + 120) == "2026-12-31T00:00:00.120Z");
  CHECK(format_iso(k_2026_12_31 + 86'399'999) == "2026-12-31T23:59:59.999Z");
  CHECK(format_iso(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("timestamp: a date alone is midnight UTC") {
  CHECK(parse_iso("2026-12-31", "--expires") == k_2026_12_31);
  CHECK(parse_iso("1970-01-01", "--expires") == 0);
}

TEST_CASE("timestamp: date-times with Z, offsets and fractions") {
  CHECK(parse_iso("2026-12-31T23:59:59Z", "t") == k_2026_12_31 + 86'399'000);
  CHECK(parse_iso("2026-12-31t23:59:59z", "t") == k_2026_12_31 + 86'399'000);
  CHECK(parse_iso("2026-12-31T02:00:00+02:00", "t") == k_2026_12_31);
  CHECK(parse_iso("2026-12-30T18:30:00-0530", "t") == k_2026_12_31);
  CHECK(parse_iso("2026-12-31T00:00:00.5Z", "t") == k_2026_12_31 + 500);
  CHECK(parse_iso("2026-12-31T00:00:00.120Z", "t") == k_2026_12_31 + 120);
  // Digits past the millisecond are dropped, not rounded.
  CHECK(parse_iso("2026-12-31T00:00:00.123999999Z", "t") == k_2026_12_31 + 123);
}

TEST_CASE("timestamp: format and parse round-trip") {
  for (Timestamp t : {Timestamp{0}, k_2026_12_31, k_2026_12_31 + 1, Timestamp{1835481600123}}) {
    CAPTURE(t);
    CHECK(parse_iso(format_iso(t), "t") == t);
  }
}

TEST_CASE("timestamp: 29 February exists only in leap years") {
  CHECK(format_iso(parse_iso("2028-02-29", "t")) == "2028-02-29T00:00:00Z");
  CHECK(format_iso(parse_iso("2000-02-29", "t")) == "2000-02-29T00:00:00Z");
  CHECK(iso_error("2027-02-29") ==
        invalid("invalid --expires '2027-02-29': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"));
  CHECK(iso_error("2100-02-29") ==
        invalid("invalid --expires '2100-02-29': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"));
}

TEST_CASE("timestamp: malformed ISO text is refused with the expected form") {
  for (std::string text :
       {"", "2026", "2026-1-01", "2026-13-01", "2026-00-10", "2026-12-32", "2026-04-31",
        "1969-12-31", "2026/12/31", "2026-12-31X", "2026-12-31T", "2026-12-31 23:59:59Z",
        "2026-12-31T24:00:00Z", "2026-12-31T23:60:00Z", "2026-12-31T23:59:60Z",
        "2026-12-31T23:59Z", "2026-12-31T23:59:59.Z", "2026-12-31T23:59:59.1234567890Z",
        "2026-12-31T23:59:59+2", "2026-12-31T23:59:59+24:00", "2026-12-31T23:59:59+02:60",
        "2026-12-31T23:59:59 02:00", "2026-12-31T23:59:59ZZ", "2026-12-31T23:59:59UTC"}) {
    CAPTURE(text);
    CHECK(iso_error(text) == invalid("invalid --expires '" + text +
                                     "': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"));
  }
}

TEST_CASE("timestamp: a date-time without a zone is refused") {
  CHECK(iso_error("2026-12-31T23:59:59") ==
        invalid("invalid --expires '2026-12-31T23:59:59': a time needs a zone: Z or an offset "
                "such as +02:00"));
  CHECK(iso_error("2026-12-31T23:59:59.250") ==
        invalid("invalid --expires '2026-12-31T23:59:59.250': a time needs a zone: Z or an "
                "offset such as +02:00"));
}

TEST_CASE("timestamp: durations in every unit") {
  CHECK(parse_duration("500ms", "d") == 500);
  CHECK(parse_duration("1s", "d") == 1000);
  CHECK(parse_duration("90m", "d") == 90 * 60 * 1000);
  CHECK(parse_duration("12h", "d") == 12 * k_ms_per_hour);
  CHECK(parse_duration("30d", "d") == 30 * k_ms_per_day);
  CHECK(parse_duration("2w", "d") == 14 * k_ms_per_day);
  CHECK(parse_duration("007d", "d") == 7 * k_ms_per_day);
  CHECK(parse_duration("999999w", "d") == 999999 * 7 * k_ms_per_day);
}

TEST_CASE("timestamp: a zero duration is refused") {
  CHECK(duration_error("0d") == invalid("invalid --expires '0d': must be greater than zero"));
  CHECK(duration_error("000s") == invalid("invalid --expires '000s': must be greater than zero"));
}

TEST_CASE("timestamp: malformed durations are refused") {
  for (std::string text :
       {"", "d", "30", "30y", "30mo", "30D", "-1d", "+1d", "1.5h", " 1d", "1d ", "1000000s",
        "1h30m", "5MS", "5sm"}) {
    CAPTURE(text);
    CHECK(duration_error(text) ==
          invalid("invalid --expires '" + text +
                  "': expected a duration such as 500ms, 90m, 12h, 30d or 2w"));
  }
}

TEST_CASE("timestamp: civil time normalises out-of-range fields") {
  llmgw::CivilTime c{2026, 13, 1, 0, 0, 0, 0};
  CHECK(format_iso(llmgw::from_civil(c)) == "2027-01-01T00:00:00Z");
  llmgw::CivilTime back = llmgw::to_civil(parse_iso("2028-02-29T23:59:58.007Z", "t"));
  CHECK(back.year == 2028);
  CHECK(back.month == 2);
  CHECK(back.day == 29);
  CHECK(back.hour == 23);
  CHECK(back.minute == 59);
  CHECK(back.second == 58);
  CHECK(back.millisecond == 7);
  CHECK(format_iso(llmgw::from_civil(llmgw::to_civil(-1))) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("timestamp: the system clock reads now") {
  Timestamp before = parse_iso("2024-01-01", "t");
  Timestamp now = llmgw::SystemClock().now();
  CHECK(now > before);
  CHECK(now < parse_iso("2200-01-01", "t"));
}
