#include "core/period.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>

#include <string>

using llmgw::format_iso;
using llmgw::k_ms_per_day;
using llmgw::Period;
using llmgw::PeriodUnit;
using llmgw::Timestamp;
using test::invalid;
using test::thrown_by;

namespace {

Timestamp at(const std::string& iso) {
  return llmgw::parse_iso(iso, "time");
}

// "[start, end)" in ISO form, so a failure shows both ends readably.
std::string window(const std::string& period, const std::string& anchor, const std::string& t) {
  llmgw::Window w = Period::parse(period).window_at(at(anchor), at(t));
  return "[" + format_iso(w.start) + ", " + format_iso(w.end) + ")";
}

std::string anchor(const std::string& period, const std::string& t) {
  return format_iso(Period::parse(period).anchor_for(at(t)));
}

std::optional<test::Thrown> parse_error(const std::string& text) {
  return thrown_by([&] { Period::parse(text); });
}

const std::string k_form =
    "': expected a count and a unit: 1h..8760h, 1d..365d, 1w..52w or 1mo..12mo";

}  // namespace

TEST_CASE("period: every unit parses at both ends of its range") {
  struct Case {
    std::string text;
    int count;
    PeriodUnit unit;
  };
  for (const Case& c : {Case{"1h", 1, PeriodUnit::hour}, Case{"8760h", 8760, PeriodUnit::hour},
                        Case{"1d", 1, PeriodUnit::day}, Case{"365d", 365, PeriodUnit::day},
                        Case{"1w", 1, PeriodUnit::week}, Case{"52w", 52, PeriodUnit::week},
                        Case{"1mo", 1, PeriodUnit::month}, Case{"12mo", 12, PeriodUnit::month}}) {
    CAPTURE(c.text);
    Period p = Period::parse(c.text);
    CHECK(p.count() == c.count);
    CHECK(p.unit() == c.unit);
    CHECK(p.to_string() == c.text);
  }
  CHECK(Period::parse("07d").to_string() == "7d");
  CHECK(Period::parse("1d") == Period::parse("01d"));
  CHECK_FALSE(Period::parse("1d") == Period::parse("24h"));
}

TEST_CASE("period: counts outside the range name the range") {
  CHECK(parse_error("0h") == invalid("invalid period '0h': must be 1h to 8760h"));
  CHECK(parse_error("8761h") == invalid("invalid period '8761h': must be 1h to 8760h"));
  CHECK(parse_error("0d") == invalid("invalid period '0d': must be 1d to 365d"));
  CHECK(parse_error("366d") == invalid("invalid period '366d': must be 1d to 365d"));
  CHECK(parse_error("0w") == invalid("invalid period '0w': must be 1w to 52w"));
  CHECK(parse_error("53w") == invalid("invalid period '53w': must be 1w to 52w"));
  CHECK(parse_error("0mo") == invalid("invalid period '0mo': must be 1mo to 12mo"));
  CHECK(parse_error("13mo") == invalid("invalid period '13mo': must be 1mo to 12mo"));
}

TEST_CASE("period: unknown units and malformed text are refused") {
  for (std::string text : {"1y", "1m", "1s", "1M", "1H", "", "d", "mo", "1", "1 d", " 1d",
                           "1d ", "-1d", "+1d", "1.5d", "10000h", "99999d", "1dd"}) {
    CAPTURE(text);
    CHECK(parse_error(text) == invalid("invalid period '" + text + k_form));
  }
}

TEST_CASE("period: a 1d limit resets at every midnight UTC") {
  CHECK(anchor("1d", "2026-03-10T15:20:30.5Z") == "2026-03-10T00:00:00Z");
  CHECK(window("1d", "2026-03-10", "2026-03-10T15:20:00Z") ==
        "[2026-03-10T00:00:00Z, 2026-03-11T00:00:00Z)");
  CHECK(window("1d", "2026-03-10", "2026-03-10T23:59:59.999Z") ==
        "[2026-03-10T00:00:00Z, 2026-03-11T00:00:00Z)");
  // The start is inclusive, the end exclusive.
  CHECK(window("1d", "2026-03-10", "2026-03-11T00:00:00Z") ==
        "[2026-03-11T00:00:00Z, 2026-03-12T00:00:00Z)");
  CHECK(window("1d", "2026-03-10", "2027-03-10T08:00:00Z") ==
        "[2027-03-10T00:00:00Z, 2027-03-11T00:00:00Z)");
}

TEST_CASE("period: an offset time is anchored in UTC, not in its own zone") {
  CHECK(anchor("1d", "2026-03-10T01:00:00+02:00") == "2026-03-09T00:00:00Z");
}

TEST_CASE("period: hour windows follow back to back from the anchor hour") {
  CHECK(anchor("12h", "2026-03-10T05:42:00Z") == "2026-03-10T05:00:00Z");
  CHECK(window("12h", "2026-03-10T05:00:00Z", "2026-03-11T04:59:59Z") ==
        "[2026-03-10T17:00:00Z, 2026-03-11T05:00:00Z)");
  CHECK(window("8760h", "2026-03-10T05:00:00Z", "2026-03-10T05:00:00Z") ==
        "[2026-03-10T05:00:00Z, 2027-03-10T05:00:00Z)");
}

TEST_CASE("period: multi-day windows count from the anchor day") {
  CHECK(window("7d", "2026-03-10", "2026-03-20T12:00:00Z") ==
        "[2026-03-17T00:00:00Z, 2026-03-24T00:00:00Z)");
  // 365 days from 1 March 2027 end on 29 February 2028, a day before the anniversary.
  CHECK(window("365d", "2027-03-01", "2028-02-28T12:00:00Z") ==
        "[2027-03-01T00:00:00Z, 2028-02-29T00:00:00Z)");
  CHECK(window("365d", "2027-03-01", "2028-02-29T00:00:00Z") ==
        "[2028-02-29T00:00:00Z, 2029-02-28T00:00:00Z)");
}

TEST_CASE("period: a 1w limit starts on Monday at midnight UTC") {
  CHECK(anchor("1w", "2026-11-27T09:00:00Z") == "2026-11-23T00:00:00Z");  // a Friday
  CHECK(anchor("1w", "2026-11-23T00:00:00Z") == "2026-11-23T00:00:00Z");  // a Monday
  CHECK(anchor("1w", "2026-11-22T23:59:59.999Z") == "2026-11-16T00:00:00Z");  // a Sunday
  CHECK(anchor("1w", "1970-01-01T00:00:00Z") == "1969-12-29T00:00:00Z");
  CHECK(window("1w", "2026-11-23", "2026-12-01T10:00:00Z") ==
        "[2026-11-30T00:00:00Z, 2026-12-07T00:00:00Z)");
  CHECK(window("2w", "2026-11-23", "2026-12-07T00:00:00Z") ==
        "[2026-12-07T00:00:00Z, 2026-12-21T00:00:00Z)");
}

TEST_CASE("period: a 1mo limit starts on the 1st and crosses the year end") {
  CHECK(anchor("1mo", "2026-12-15T10:00:00Z") == "2026-12-01T00:00:00Z");
  CHECK(window("1mo", "2026-12-01", "2026-12-31T23:59:59Z") ==
        "[2026-12-01T00:00:00Z, 2027-01-01T00:00:00Z)");
  CHECK(window("1mo", "2026-12-01", "2027-01-15T00:00:00Z") ==
        "[2027-01-01T00:00:00Z, 2027-02-01T00:00:00Z)");
}

TEST_CASE("period: February has 29 days in a leap year and 28 otherwise") {
  llmgw::Window leap = Period::parse("1mo").window_at(at("2028-01-01"), at("2028-02-10"));
  CHECK(format_iso(leap.start) == "2028-02-01T00:00:00Z");
  CHECK(leap.end - leap.start == 29 * k_ms_per_day);
  llmgw::Window common = Period::parse("1mo").window_at(at("2027-01-01"), at("2027-02-28T23:00:00Z"));
  CHECK(format_iso(common.end) == "2027-03-01T00:00:00Z");
  CHECK(common.end - common.start == 28 * k_ms_per_day);
}

TEST_CASE("period: 3mo windows count from the anchor month") {
  CHECK(window("3mo", "2026-11-01", "2026-11-01T00:00:00Z") ==
        "[2026-11-01T00:00:00Z, 2027-02-01T00:00:00Z)");
  CHECK(window("3mo", "2026-11-01", "2027-01-31T23:59:59.999Z") ==
        "[2026-11-01T00:00:00Z, 2027-02-01T00:00:00Z)");
  CHECK(window("3mo", "2026-11-01", "2027-02-01T00:00:00Z") ==
        "[2027-02-01T00:00:00Z, 2027-05-01T00:00:00Z)");
  CHECK(window("12mo", "2026-11-01", "2028-12-01T00:00:00Z") ==
        "[2028-11-01T00:00:00Z, 2029-11-01T00:00:00Z)");
}

TEST_CASE("period: a time before the anchor falls in the first window") {
  CHECK(window("1d", "2026-03-10", "2026-03-01T00:00:00Z") ==
        "[2026-03-10T00:00:00Z, 2026-03-11T00:00:00Z)");
  CHECK(window("1w", "2026-11-23", "2026-11-22T12:00:00Z") ==
        "[2026-11-23T00:00:00Z, 2026-11-30T00:00:00Z)");
  CHECK(window("1mo", "2026-12-01", "2026-11-30T00:00:00Z") ==
        "[2026-12-01T00:00:00Z, 2027-01-01T00:00:00Z)");
  CHECK(window("3mo", "2026-12-01", "2025-01-01T00:00:00Z") ==
        "[2026-12-01T00:00:00Z, 2027-03-01T00:00:00Z)");
}
