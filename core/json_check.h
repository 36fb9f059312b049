#pragma once
// Whether a text is one valid JSON value, checked in one pass without building anything;
// core/json_scan.h reads a checked text in place.
//
// check_json() accepts exactly what nlohmann::json::parse (3.11.2) accepts: RFC 8259 with
// UTF-8 checked, unpaired surrogate escapes refused, numbers that overflow a double
// refused, a UTF-8 BOM allowed before the value, and a NUL byte after it taken for the end
// of the text, as nlohmann's lexer does.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace llmgw {

enum class JsonKind { object, array, string, number, boolean, null };

// One value of a valid JSON text: its kind and its bytes as written.
struct JsonSlice {
  JsonKind kind = JsonKind::null;
  std::string_view text;
};

// JSON's whitespace and digits.
inline bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

inline bool is_json_digit(char c) {
  return c >= '0' && c <= '9';
}

enum class JsonFault { none, too_deep, too_many_members, malformed };

struct CheckedJson {
  JsonFault fault = JsonFault::none;
  JsonSlice value;  // the value the text holds, when fault is none
};

// Whether `text` is exactly one valid JSON value (with whitespace around it) that nests
// arrays and objects at most `max_depth` deep and has at most `max_members` members in
// each object (repeated keys counted). The first fault met is reported: a text that goes
// too deep before it breaks the grammar is too_deep.
CheckedJson check_json(std::string_view text, int max_depth,
                       std::size_t max_members = SIZE_MAX);

}  // namespace llmgw
