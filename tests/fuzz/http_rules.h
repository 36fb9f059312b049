#pragma once
// Pieces of HTTP/1.1 syntax (RFC 9110 5.6) as the fuzz targets state them, written apart
// from daemon/http/http_syntax.h, whose readers they check.
#include <string_view>

namespace fuzz {

// A character of a token (tchar): what a method or a field name is made of.
inline bool is_tchar(unsigned char c) {
  return c > ' ' && c < 0x7f &&
         std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) == std::string_view::npos;
}

// `text` without the spaces and tabs at either end.
inline std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace fuzz
