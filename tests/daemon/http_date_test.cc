#include "daemon/http/http_date.h"

#include <doctest/doctest.h>

using llmgw::daemon::format_http_date;

TEST_CASE("http date: IMF-fixdate, to the second, with the weekday") {
  const llmgw::Timestamp k_2026_12_07 = llmgw::parse_iso("2026-12-07T20:29:10.999Z", "t");
  CHECK(format_http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(format_http_date(k_2026_12_07) == "Mon, 07 Dec 2026 20:29:10 GMT");
  CHECK(format_http_date(llmgw::parse_iso("2028-02-29T23:59:59Z", "t")) ==
        "Tue, 29 Feb 2028 23:59:59 GMT");
  CHECK(format_http_date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST_CASE("http date: now's is the clock's, to the second") {
  const llmgw::Timestamp before = llmgw::SystemClock().now() / 1000 * 1000;
  const std::string now = llmgw::daemon::http_date_now();
  const llmgw::Timestamp after = llmgw::SystemClock().now();
  CHECK((now == format_http_date(before) || now == format_http_date(after)));
}
