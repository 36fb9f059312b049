#include "daemon/http/header_scan.h"

namespace llmgw::daemon {

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) {
      return false;
    }
  }
  return true;
}

std::size_t header_count(const httplib::Headers& headers, std::string_view name) {
  std::size_t count = 0;
  for_each_header(headers, name, [&count](const std::string&) {
    ++count;
    return true;
  });
  return count;
}

const std::string* find_header(const httplib::Headers& headers, std::string_view name) {
  const std::string* found = nullptr;
  for_each_header(headers, name, [&found](const std::string& value) {
    found = &value;
    return false;
  });
  return found;
}

}  // namespace llmgw::daemon
