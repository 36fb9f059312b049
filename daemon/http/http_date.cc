#include "daemon/http/http_date.h"

#include <fmt/format.h>

namespace llmgw::daemon {

std::string format_http_date(Timestamp t) {
  static constexpr const char* k_weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime c = to_civil(t);
  // Days since 1970-01-01, a Thursday, rounded down for times before it.
  const Timestamp days = (t >= 0 ? t : t - (k_ms_per_day - 1)) / k_ms_per_day;
  const Timestamp weekday = ((days % 7) + 7) % 7;
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", k_weekdays[weekday], c.day,
                     k_months[c.month - 1], c.year, c.hour, c.minute, c.second);
}

const std::string& http_date_now() {
  thread_local Timestamp second = -1;
  thread_local std::string text;
  const Timestamp now = SystemClock().now();
  if (now / k_ms_per_second != second || text.empty()) {
    second = now / k_ms_per_second;
    text = format_http_date(now);
  }
  return text;
}

}  // namespace llmgw::daemon
