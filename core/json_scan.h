#pragma once
// A JSON text checked once and then read in place: values are slices of the text, not a
// built document. Clients' request bodies (core/client_request.h), providers' responses
// and stream chunks (core/token_usage.h) are read this way: nlohmann/json would build
// every string and object of a body to read a few fields, and serialize all of it again
// for the upstream, which cost about 7 us per KiB of prompt.
//
// check_json() accepts exactly what nlohmann::json::parse (3.11.2) accepts: RFC 8259 with
// UTF-8 checked, unpaired surrogate escapes refused, numbers that overflow a double
// refused, a UTF-8 BOM allowed before the value, and a NUL byte after it taken for the end
// of the text, as nlohmann's lexer does. The readers below require a text it accepted.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

enum class JsonKind { object, array, string, number, boolean, null };

// One value of a valid JSON text: its kind and its bytes as written.
struct JsonSlice {
  JsonKind kind = JsonKind::null;
  std::string_view text;
};

struct JsonMember {
  std::string key;            // decoded
  std::string_view key_text;  // as written, quotes included
  JsonSlice value;
};

enum class JsonFault { none, too_deep, malformed };

struct CheckedJson {
  JsonFault fault = JsonFault::none;
  JsonSlice value;  // the value the text holds, when fault is none
};

// Whether `text` is exactly one valid JSON value (with whitespace around it) that nests
// arrays and objects at most `max_depth` deep. The first fault met is reported: a text
// that goes too deep before it breaks the grammar is too_deep.
CheckedJson check_json(std::string_view text, int max_depth);

// The members of the object `text` holds, the last of each key (as a parsed document has
// them); nothing when `text` is not a valid JSON object nesting at most `max_depth` deep.
std::optional<std::vector<JsonMember>> json_object_members(std::string_view text, int max_depth);

// REQUIRES: `object` is an object of a validated text. Its members in the order written,
// repeated keys included.
std::vector<JsonMember> json_members(const JsonSlice& object);

// The members a parser that keeps the last of repeated keys ends up with (nlohmann, and
// JSON.parse), in the order written.
std::vector<JsonMember> last_of_each_key(std::vector<JsonMember> members);

// The member named `key` (the first of that name), or nullptr.
const JsonMember* find_member(const std::vector<JsonMember>& members, std::string_view key);

// REQUIRES: `array` is an array of a validated text. Its elements in order.
std::vector<JsonSlice> json_elements(const JsonSlice& array);

// REQUIRES: `literal` is a string of a validated text, quotes included. The text it
// stands for, escapes decoded.
std::string json_string_value(std::string_view literal);

// What nlohmann's get<std::int64_t>() gives for a number that it reads as an integer:
// digits alone, within 64 bits signed or unsigned (an unsigned one above INT64_MAX comes
// out negative, as there). Nothing for other values, fractions and exponents included.
std::optional<std::int64_t> json_integer(const JsonSlice& value);

}  // namespace llmgw
