#pragma once
// Request headers looked up by scanning them. cpp-httplib keeps headers in a multimap
// ordered without regard to case, and its comparison calls tolower() on every character
// it compares, for every step of every lookup: with the few headers a request has,
// walking them all and comparing lengths first costs a fraction of that. Names match as
// cpp-httplib's do: ASCII letters in either case.
#include <httplib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace llmgw::daemon {

// ASCII letters in either case are equal, as in header names and tokens.
bool equals_ignoring_case(std::string_view a, std::string_view b);

// How many headers are named `name`.
std::size_t header_count(const httplib::Headers& headers, std::string_view name);

// The value of the first header named `name` (the first of those sent), or nullptr.
const std::string* find_header(const httplib::Headers& headers, std::string_view name);

// Calls `each(value)` for every header named `name`, in the order they were sent, until
// it returns false. Returns false when `each` did.
template <typename Each>
bool for_each_header(const httplib::Headers& headers, std::string_view name, Each each) {
  for (const auto& [key, value] : headers) {
    if (equals_ignoring_case(key, name) && !each(value)) {
      return false;
    }
  }
  return true;
}

}  // namespace llmgw::daemon
