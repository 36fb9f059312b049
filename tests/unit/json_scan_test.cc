// core/json_check.h and core/json_scan.h against nlohmann/json, which they replace on the
// request path: they must accept exactly the texts nlohmann::json::parse accepts, and read
// the same values out of them.
#include "core/json_scan.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

using llmgw::json_elements;
using llmgw::json_integer;
using llmgw::json_members;
using llmgw::json_string_value;
using llmgw::JsonKind;
using llmgw::JsonSlice;
using llmgw::last_of_each_key;
using llmgw::repeated_key;
using llmgw::check_json;
using llmgw::JsonFault;
using nlohmann::json;

namespace {

constexpr int k_deep = 1000;  // deeper than any text here: depth is tested on its own

bool scan_accepts(std::string_view text) {
  return check_json(text, k_deep).fault == JsonFault::none;
}

JsonSlice checked(std::string_view text) {
  auto result = check_json(text, k_deep);
  REQUIRE(result.fault == JsonFault::none);
  return result.value;
}

// The value a slice stands for, read back through the scanner's own readers only.
json rebuilt(const JsonSlice& slice) {
  switch (slice.kind) {
    case JsonKind::object: {
      json object = json::object();
      for (const auto& member : json_members(slice)) {
        object[member.key] = rebuilt(member.value);  // later keys replace earlier ones
      }
      return object;
    }
    case JsonKind::array: {
      json array = json::array();
      for (const JsonSlice& element : json_elements(slice)) {
        array.push_back(rebuilt(element));
      }
      return array;
    }
    case JsonKind::string:
      return json_string_value(slice.text);
    default:  // numbers, booleans and null: their literal
      return json::parse(slice.text);
  }
}

// Texts near every rule of the grammar, valid and not.
const std::vector<std::string>& chosen_texts() {
  static const std::vector<std::string> texts = {
      "", " ", "{}", "[]", "\"\"", "0", "-0", "-", "01", "1.", ".5", "1.5", "1e5", "1E+5",
      "1e-5", "1e", "1e+", "-1.5e-300", "1e400", "-1e400", "1e-400", std::string(309, '9'),
      std::string(308, '9'), "1" + std::string(400, '0') + ".5", "0." + std::string(400, '0') + "1",
      "18446744073709551615", "18446744073709551616", "-9223372036854775809",
      "true", "false", "null", "tru", "nul", "True", "NaN", "Infinity", "+1",
      "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}",
      "{\"a\":1}{", "[1]]", "[[[]]]", " \t\r\n{ \"a\" : [ 1 , 2 ] } \n", "\f{}", "{}\v",
      "\xEF\xBB\xBF{}", "\xEF\xBB{}", " \xEF\xBB\xBF{}", "\xEF\xBB\xBF",
      "\"\\u0000\"", "\"\\uD83D\\uDE00\"", "\"\\uD83D\"", "\"\\uDE00\"", "\"\\uD83D\\u0041\"",
      "\"\\uD83Dx\"", "\"\\uD83D\\uE000\"", "\"\\uDBFF\\uDFFF\"", "\"\\uD800\\uDBFF\"",
      "\"\\u12\"", "\"\\u12G4\"", "\"\\x\"", "\"\\'\"", "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
      "\"a\x01\"", "\"a\x1f\"", "\"a\x7f\"", "\"tab\there\"", "\"\"\"", "\"abc", "\"\\",
      "\"\xC3\xA9\"", "\"\xC3\"", "\"\xC0\xAF\"", "\"\xC1\xBF\"", "\"\xE0\x80\xAF\"",
      "\"\xE0\xA0\x80\"", "\"\xED\xA0\x80\"", "\"\xED\x9F\xBF\"", "\"\xEF\xBF\xBF\"",
      "\"\xF0\x8F\xBF\xBF\"", "\"\xF0\x90\x80\x80\"", "\"\xF4\x8F\xBF\xBF\"", "\"\xF4\x90\x80\x80\"",
      "\"\xF5\x80\x80\x80\"", "\"\xFF\"", "\"\x80\"", "\"\xE2\x82\"", std::string("\"a\0b\"", 5),
      std::string("{}\0", 3), std::string("{} \0x]", 6), std::string("[\0]", 3), std::string("\0", 1),
      "{\"model\":\"a\",\"model\":\"b\"}", "{\"mod\\u0065l\":1}",
  };
  return texts;
}

// A random JSON value, written in varied ways: spacing, escapes, number forms, repeated
// keys.
class Writer {
public:
  explicit Writer(unsigned seed) : m_random(seed) {}

  std::string value(int depth) {
    switch (pick(depth > 3 ? 5 : 7)) {
      case 0:
        return number();
      case 1:
        return string();
      case 2:
        return pick(2) ? "true" : "false";
      case 3:
        return "null";
      case 4:
        return number();
      case 5: {
        std::string out = "[" + space();
        for (int i = 0, n = pick(4); i < n; ++i) {
          out += (i ? "," + space() : "") + value(depth + 1) + space();
        }
        return out + "]";
      }
      default: {
        std::string out = "{" + space();
        for (int i = 0, n = pick(5); i < n; ++i) {
          out += (i ? "," + space() : "") + key() + space() + ":" + space() + value(depth + 1);
        }
        return out + space() + "}";
      }
    }
  }

  std::mt19937& random() { return m_random; }

private:
  int pick(int n) { return static_cast<int>(m_random() % static_cast<unsigned>(n)); }

  std::string space() {
    static const char* k_spaces[] = {"", "", "", " ", "\n", "\t", "\r\n "};
    return k_spaces[pick(7)];
  }

  std::string number() {
    static const char* k_numbers[] = {"0", "-0", "7", "-12", "3.25", "-0.5e3", "1E-2", "1e+2",
                                      "18446744073709551615", "18446744073709551616",
                                      "-9223372036854775808", "123456789012345678901234567890",
                                      "2.5e308", "1e-320", "0.000001"};
    return k_numbers[pick(15)];
  }

  std::string key() {
    static const char* k_keys[] = {"\"model\"", "\"stream\"", "\"a\"", "\"b\"", "\"mod\\u0065l\"",
                                   "\"\"", "\"\\u00e9\"", "\"\xC3\xA9\""};
    return k_keys[pick(8)];
  }

  std::string string() {
    static const char* k_pieces[] = {"a", " ", "\\\"", "\\\\", "\\/", "\\n", "\\u0041",
                                     "\\u00e9", "\\uD83D\\uDE00", "\xC3\xA9", "\xE6\x9D\xB1",
                                     "\xF0\x9F\x98\x80", "\\u0000", "{", "]", ","};
    std::string out = "\"";
    for (int i = 0, n = pick(6); i < n; ++i) {
      out += k_pieces[pick(16)];
    }
    return out + "\"";
  }

  std::mt19937 m_random;
};

}  // namespace

TEST_CASE("json scan: accepts exactly what nlohmann/json accepts, on chosen texts") {
  for (const std::string& text : chosen_texts()) {
    INFO(json(text).dump(-1, ' ', true, json::error_handler_t::replace));
    CHECK(scan_accepts(text) == json::accept(text));
  }
}

TEST_CASE("json scan: accepts exactly what nlohmann/json accepts, on random and broken texts") {
  Writer writer(20261127);
  int accepted = 0;
  int refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = writer.value(0);
    // Half of them broken: a byte changed, dropped or doubled.
    if (i % 2 == 1 && !text.empty()) {
      std::size_t at = writer.random()() % text.size();
      switch (writer.random()() % 3) {
        case 0:
          text[at] = static_cast<char>(writer.random()() % 256);
          break;
        case 1:
          text.erase(at, 1);
          break;
        default:
          text.insert(at, 1, text[at]);
      }
    }
    const bool expected = json::accept(text);
    INFO(json(text).dump(-1, ' ', true, json::error_handler_t::replace));
    REQUIRE(scan_accepts(text) == expected);
    (expected ? accepted : refused) += 1;
  }
  CHECK(accepted > 10000);
  CHECK(refused > 2000);
}

TEST_CASE("json scan: long strings, with each kind of byte at each place of a word") {
  // Plain text is skipped eight bytes at a time: what must stop the skip is put at every
  // offset, in strings long enough for several words.
  const std::vector<std::string> bytes = {"\x01", "\x1f", "\x20", "\x7f", "\x80", "\xff", "\"",
                                          "\\n", "\\", "\\u00e9", "\xC3\xA9", "\xC3",
                                          "\xE6\x9D\xB1", "\xF0\x9F\x98\x80", "\xED\xA0\x80",
                                          std::string(1, '\0')};
  int accepted = 0;
  for (const std::string& piece : bytes) {
    for (std::size_t at = 0; at < 24; ++at) {
      const std::string text = "[\"" + std::string(at, 'a') + piece + std::string(29, 'b') + "\"]";
      INFO(json(text).dump(-1, ' ', true, json::error_handler_t::replace));
      CHECK(scan_accepts(text) == json::accept(text));
      if (scan_accepts(text)) {
        CHECK(rebuilt(checked(text)) == json::parse(text));
        ++accepted;
      }
    }
  }
  CHECK(accepted == 24 * 8);  // space, DEL, two escapes, a backslash that escapes a b, UTF-8
}

TEST_CASE("json scan: the values read in place are the ones nlohmann/json parses") {
  Writer writer(7);
  int read = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string text = writer.value(0);
    if (!json::accept(text)) {
      continue;  // a number that overflows (the test above covers refusals)
    }
    INFO(text);
    CHECK(rebuilt(checked(text)) == json::parse(text));
    ++read;
  }
  CHECK(read > 4000);
  for (const std::string& text : chosen_texts()) {
    if (json::accept(text)) {
      INFO(json(text).dump(-1, ' ', true, json::error_handler_t::replace));
      CHECK(rebuilt(checked(text)) == json::parse(text));
    }
  }
}

TEST_CASE("json scan: a slice is the value's bytes as written") {
  const std::string text = "\xEF\xBB\xBF { \"a\" : [ 1 , \"x\" ] , \"b\":{\"c\":null} , \"a\": -2.5e1 } ";
  const JsonSlice document = checked(text);
  CHECK(document.kind == JsonKind::object);
  CHECK(document.text == "{ \"a\" : [ 1 , \"x\" ] , \"b\":{\"c\":null} , \"a\": -2.5e1 }");
  auto members = json_members(document);
  REQUIRE(members.size() == 3);
  CHECK(members[0].key_text == "\"a\"");
  CHECK(members[0].value.text == "[ 1 , \"x\" ]");
  CHECK(members[1].value.text == "{\"c\":null}");
  CHECK(members[2].value.text == "-2.5e1");
  CHECK(members[2].value.kind == JsonKind::number);
  auto kept = last_of_each_key(members);
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].key == "b");
  CHECK(kept[1].value.text == "-2.5e1");
  auto elements = json_elements(members[0].value);
  REQUIRE(elements.size() == 2);
  CHECK(elements[1].kind == JsonKind::string);
  CHECK(elements[1].text == "\"x\"");
}

TEST_CASE("json scan: nesting deeper than the limit is refused, before a later fault") {
  const std::string sixty_four = std::string(64, '[') + std::string(64, ']');
  CHECK(check_json(sixty_four, 64).fault == JsonFault::none);
  CHECK(check_json("[" + sixty_four + "]", 64).fault == JsonFault::too_deep);
  CHECK(check_json(std::string(100000, '['), 64).fault == JsonFault::too_deep);
  CHECK(check_json("{\"a\":{\"b\":[1]}}", 3).fault == JsonFault::none);
  CHECK(check_json("{\"a\":{\"b\":[1]}}", 2).fault == JsonFault::too_deep);
  CHECK(check_json("[[[1,]]]", 2).fault == JsonFault::too_deep);
  CHECK(check_json("[[1,],[[[]]]]", 2).fault == JsonFault::malformed);
  CHECK(check_json("[\"[[[[\"]", 1).fault == JsonFault::none);  // brackets in strings do not count
}

TEST_CASE("json scan: repeated keys among many members keep the last, in order") {
  std::vector<llmgw::JsonMember> members;
  std::string text = "{";
  for (int i = 0; i < 100; ++i) {
    text += (i ? "," : "") + std::string("\"k") + std::to_string(i % 40) + "\":" + std::to_string(i);
  }
  text += "}";
  auto kept = last_of_each_key(json_members(checked(text)));
  REQUIRE(kept.size() == 40);
  CHECK(kept.front().key == "k20");
  CHECK(kept.front().value.text == "60");
  CHECK(kept.back().key == "k19");
  CHECK(kept.back().value.text == "99");
  json parsed = json::parse(text);
  for (const auto& member : kept) {
    CHECK(parsed.at(member.key) == json::parse(member.value.text));
  }
}

TEST_CASE("json scan: the repeated key found is the first one that comes again") {
  CHECK_FALSE(repeated_key(json_members(checked(R"({"a":1,"b":2,"A":3})"))));
  CHECK(repeated_key(json_members(checked(R"({"a":1,"b":2,"b":3,"a":4})"))) == "a");
  std::string many = "{";
  for (int i = 0; i < 5000; ++i) {
    many += (i ? "," : "") + std::string("\"m") + std::to_string(i) + "\":0";
  }
  CHECK_FALSE(repeated_key(json_members(checked(many + "}"))));
  CHECK(repeated_key(json_members(checked(many + R"(,"m4321":1})"))) == "m4321");
}

TEST_CASE("json scan: integers are what nlohmann/json's get<std::int64_t>() gives") {
  for (const char* number : {"0", "-0", "7", "-7", "9223372036854775807", "9223372036854775808",
                             "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
                             "18446744073709551616", "1.0", "1e2", "-0.0", "123456789012345678901"}) {
    INFO(number);
    const json parsed = json::parse(number);
    const auto read = json_integer(checked(number));
    REQUIRE(read.has_value() == parsed.is_number_integer());
    if (read) {
      CHECK(*read == parsed.get<std::int64_t>());
    }
  }
  CHECK_FALSE(json_integer(checked("\"5\"")).has_value());
}

