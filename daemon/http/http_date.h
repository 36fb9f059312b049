#pragma once
// The Date field every response carries (RFC 9110 section 6.6.1), in the IMF-fixdate form:
// "Mon, 07 Dec 2026 20:29:10 GMT".
#include "core/timestamp.h"

#include <string>

namespace llmgw::daemon {

// `t` to the second, in IMF-fixdate.
std::string format_http_date(Timestamp t);

// The system clock's date now, formatted once a second per thread: valid until the next
// call on this thread.
const std::string& http_date_now();

}  // namespace llmgw::daemon
