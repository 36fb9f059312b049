#include "tests/support/daemon_log.h"

#include <regex>
#include <sstream>

namespace test {

std::string with_times_masked(const std::string& log) {
  static const std::regex time(R"re("time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")re");
  return std::regex_replace(log, time, R"("time":"T")");
}

std::vector<nlohmann::ordered_json> log_events(const std::string& log, const std::string& event) {
  std::vector<nlohmann::ordered_json> found;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(line, nullptr, false);
    if (parsed.is_object() && parsed.value("event", "") == event) {
      found.push_back(std::move(parsed));
    }
  }
  return found;
}

}  // namespace test
