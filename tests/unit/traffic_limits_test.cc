#include "core/traffic_limits.h"

#include "tests/support/thrown.h"

#include <doctest/doctest.h>

using llmgw::parse_traffic_limit;
using llmgw::TrafficLimits;
using test::invalid;
using test::thrown_by;

TEST_CASE("traffic limits: a limit is a whole number from 1 to 1,000,000,000") {
  CHECK(parse_traffic_limit("1", "--rpm") == 1);
  CHECK(parse_traffic_limit("600", "--rpm") == 600);
  CHECK(parse_traffic_limit("0001", "--rpm") == 1);
  CHECK(parse_traffic_limit("1000000000", "--tpm") == 1'000'000'000);
  for (const char* bad : {"0", "", "-1", "+5", "1.5", "1e3", " 5", "5 ", "0x10", "1000000001",
                          "99999999999999999999", "sixty"}) {
    CAPTURE(bad);
    CHECK(thrown_by([&] { parse_traffic_limit(bad, "--rpm"); }) ==
          invalid(std::string("invalid --rpm '") + bad +
                  "': must be a whole number from 1 to 1000000000"));
  }
}

TEST_CASE("traffic limits: shown for people in one line, '-' when there are none") {
  CHECK(llmgw::traffic_text(TrafficLimits{}) == "-");
  CHECK_FALSE(TrafficLimits{}.any());
  CHECK(llmgw::traffic_text(TrafficLimits{60, 1000, 20000, 5}) ==
        "60/min, 1000/day, 20000 tokens/min, 5 in flight");
  CHECK(llmgw::traffic_text(TrafficLimits{std::nullopt, std::nullopt, std::nullopt, 2}) ==
        "2 in flight");
  CHECK(TrafficLimits{std::nullopt, std::nullopt, std::nullopt, 2}.any());
}
