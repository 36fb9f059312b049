#pragma once
// Pieces of HTTP/1.1 syntax (RFC 9110 5.6) as the fuzz targets state them, written apart
// from daemon/http/http_syntax.h, whose readers they check.
#include <algorithm>
#include <cctype>
#include <string_view>

namespace fuzz {

// A character of a token (tchar): what a method or a field name is made of.
inline bool is_tchar(unsigned char c) {
  return c > ' ' && c < 0x7f &&
         std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) == std::string_view::npos;
}

inline bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return is_tchar(c); });
}

// A control character other than a tab, which no field line may hold.
inline bool is_control_but_tab(char c) {
  return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// `text` without the spaces and tabs at either end.
inline std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Whether `value` is a comma-separated list of tokens, empty elements allowed.
inline bool is_token_list(std::string_view value) {
  for (;;) {
    std::size_t comma = value.find(',');
    std::string_view element = trimmed(value.substr(0, comma));
    if (!element.empty() && !is_token(element)) {
      return false;
    }
    if (comma == std::string_view::npos) {
      return true;
    }
    value.remove_prefix(comma + 1);
  }
}

}  // namespace fuzz
