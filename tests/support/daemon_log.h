#pragma once
// Reading the daemon's log (its stderr): one JSON object a line, each starting with
// `time`, `level` and `event`.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace test {

// `log` with every `"time":"<RFC 3339 UTC with milliseconds>"` written `"time":"T"`, so
// that whole lines can be compared.
std::string with_times_masked(const std::string& log);

// The lines of `log` whose event is `event`, parsed.
std::vector<nlohmann::ordered_json> log_events(const std::string& log, const std::string& event);

}  // namespace test
