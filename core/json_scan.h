#pragma once
// A JSON text checked once and then read in place: values are slices of the text, not a
// built document. Clients' request bodies (core/wire/client_request.h), providers' responses
// and stream chunks (core/wire/token_usage.h) are read this way: nlohmann/json would build
// every string and object of a body to read a few fields, and serialize all of it again
// for the upstream (bench/README.md, "Figures behind the design").
//
// The text is checked first (core/json_check.h); the readers here require a text it
// accepted.
#include "core/json_check.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

struct JsonMember {
  std::string key;            // decoded
  std::string_view key_text;  // as written, quotes included
  JsonSlice value;
};

// The members of the object `text` holds, the last of each key (as a parsed document has
// them); nothing when `text` is not a valid JSON object nesting at most `max_depth` deep.
std::optional<std::vector<JsonMember>> json_object_members(std::string_view text, int max_depth);

// REQUIRES: `object` is an object of a validated text. Its members in the order written,
// repeated keys included.
std::vector<JsonMember> json_members(const JsonSlice& object);

// The members a parser that keeps the last of repeated keys ends up with (nlohmann, and
// JSON.parse), in the order written.
std::vector<JsonMember> last_of_each_key(std::vector<JsonMember> members);

// The first key, in the order written, that `members` holds more than once; nullopt when
// each key is there once.
std::optional<std::string> repeated_key(const std::vector<JsonMember>& members);

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
