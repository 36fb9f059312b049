#include "daemon/http/header_scan.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using llmgw::daemon::equals_ignoring_case;
using llmgw::daemon::find_header;
using llmgw::daemon::for_each_header;
using llmgw::daemon::header_count;

namespace {

// As cpp-httplib fills them: in the order the client sent them.
httplib::Headers sent(const std::vector<std::pair<std::string, std::string>>& headers) {
  httplib::Headers map;
  for (const auto& [name, value] : headers) {
    map.emplace(name, value);
  }
  return map;
}

std::vector<std::string> values(const httplib::Headers& headers, std::string_view name) {
  std::vector<std::string> found;
  for_each_header(headers, name, [&found](const std::string& value) {
    found.push_back(value);
    return true;
  });
  return found;
}

}  // namespace

TEST_CASE("header scan: names match in any case of ASCII letters, and only whole") {
  CHECK(equals_ignoring_case("Content-Length", "content-LENGTH"));
  CHECK_FALSE(equals_ignoring_case("Content-Length", "Content-Lengt"));
  CHECK_FALSE(equals_ignoring_case("Content-Length", "Content_Length"));
  CHECK_FALSE(equals_ignoring_case("x-api-key", "x-api-kez"));
  CHECK(equals_ignoring_case("", ""));
  // Only A-Z fold: '@' and '`' sit next to them, and bytes above 127 are left alone.
  CHECK_FALSE(equals_ignoring_case("@", "`"));
  CHECK_FALSE(equals_ignoring_case("\xC4", "\xE4"));
}

TEST_CASE("header scan: counts, first value and every value, as the map finds them") {
  const httplib::Headers headers = sent({{"Host", "a"}, {"content-length", "5"},
                                         {"Authorization", "Bearer x"}, {"CONTENT-LENGTH", "7"},
                                         {"Content-Lengths", "9"}, {"X-Api-Key", "k"}});
  for (const char* name : {"Content-Length", "content-length", "Host", "x-api-key", "Missing",
                           "Content-Lengths", "Content-Lengt"}) {
    INFO(name);
    CHECK(header_count(headers, name) == headers.count(name));
    auto range = headers.equal_range(name);
    const std::string* first = find_header(headers, name);
    CHECK((first == nullptr) == (range.first == range.second));
    if (first != nullptr) {
      CHECK(first == &range.first->second);
    }
    std::vector<std::string> expected;
    for (auto it = range.first; it != range.second; ++it) {
      expected.push_back(it->second);
    }
    CHECK(values(headers, name) == expected);
  }
  CHECK(values(headers, "content-length") == std::vector<std::string>{"5", "7"});
}

TEST_CASE("header scan: for_each_header stops when told, and says so") {
  const httplib::Headers headers = sent({{"A", "1"}, {"a", "2"}, {"A", "3"}});
  int seen = 0;
  CHECK_FALSE(for_each_header(headers, "a", [&seen](const std::string& value) {
    ++seen;
    return value != "2";
  }));
  CHECK(seen == 2);
  CHECK(for_each_header(headers, "b", [](const std::string&) { return false; }));
}
