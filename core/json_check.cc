#include "core/json_check.h"

#include "core/hex_digit.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace llmgw {

namespace {

// Checks a text from its first byte to its last, as nlohmann's lexer and parser would.
class Validator {
public:
  Validator(std::string_view text, int max_depth, std::size_t max_members)
      : m_p(text.data()),
        m_end(text.data() + text.size()),
        m_depth_left(max_depth),
        m_max_members(max_members) {}

  CheckedJson document() {
    if (m_end - m_p >= 3 && std::memcmp(m_p, "\xEF\xBB\xBF", 3) == 0) {
      m_p += 3;
    }
    skip_space();
    const char* start = m_p;
    std::optional<JsonKind> kind = value();
    CheckedJson checked;
    if (!kind) {
      checked.fault = m_depth_left < 0      ? JsonFault::too_deep
                      : m_too_many_members ? JsonFault::too_many_members
                                           : JsonFault::malformed;
      return checked;
    }
    checked.value = {*kind, std::string_view(start, static_cast<std::size_t>(m_p - start))};
    skip_space();
    // nlohmann's lexer takes a NUL byte for the end of the input: what follows is ignored.
    if (m_p != m_end && *m_p != '\0') {
      checked.fault = JsonFault::malformed;
    }
    return checked;
  }

private:
  void skip_space() {
    while (m_p != m_end && is_json_space(*m_p)) {
      ++m_p;
    }
  }

  bool next_is(char c) const { return m_p != m_end && *m_p == c; }

  std::optional<JsonKind> value() {
    if (m_p == m_end) {
      return std::nullopt;
    }
    bool ok = false;
    JsonKind kind = JsonKind::null;
    switch (*m_p) {
      case '{':
        kind = JsonKind::object;
        ok = container(kind);
        break;
      case '[':
        kind = JsonKind::array;
        ok = container(kind);
        break;
      case '"':
        ok = string();
        kind = JsonKind::string;
        break;
      case 't':
        ok = word("true");
        kind = JsonKind::boolean;
        break;
      case 'f':
        ok = word("false");
        kind = JsonKind::boolean;
        break;
      case 'n':
        ok = word("null");
        kind = JsonKind::null;
        break;
      default:
        ok = number();
        kind = JsonKind::number;
    }
    return ok ? std::optional<JsonKind>(kind) : std::nullopt;
  }

  bool word(std::string_view expected) {
    if (static_cast<std::size_t>(m_end - m_p) < expected.size() ||
        std::string_view(m_p, expected.size()) != expected) {
      return false;
    }
    m_p += expected.size();
    return true;
  }

  // An object or an array: its members or elements up to the closing bracket.
  bool container(JsonKind kind) {
    if (--m_depth_left < 0) {
      return false;
    }
    const char close = kind == JsonKind::object ? '}' : ']';
    ++m_p;
    skip_space();
    if (next_is(close)) {
      ++m_p;
      ++m_depth_left;
      return true;
    }
    for (std::size_t members = 1;; ++members) {
      if (kind == JsonKind::object) {
        if (members > m_max_members) {
          m_too_many_members = true;
          return false;
        }
        if (!next_is('"') || !string()) {
          return false;
        }
        skip_space();
        if (!next_is(':')) {
          return false;
        }
        ++m_p;
        skip_space();
      }
      if (!value()) {
        return false;
      }
      skip_space();
      if (next_is(',')) {
        ++m_p;
        skip_space();
      } else if (next_is(close)) {
        ++m_p;
        ++m_depth_left;
        return true;
      } else {
        return false;
      }
    }
  }

  bool string() {
    ++m_p;
    for (;;) {
      skip_plain_text();
      if (m_p == m_end) {
        return false;
      }
      const auto c = static_cast<unsigned char>(*m_p);
      if (c == '"') {
        ++m_p;
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        if (!escape()) {
          return false;
        }
      } else if (!utf8_sequence()) {
        return false;
      }
    }
  }

  // Past the ASCII in a string that needs no look: neither a control character, a quote
  // nor a backslash. Prompts are mostly that, so it goes eight bytes at a time: a word
  // holds none of them when no byte is below 0x20, equal to '"' or '\\', or above 0x7F.
  void skip_plain_text() {
    constexpr std::uint64_t k_ones = 0x0101010101010101;
    constexpr std::uint64_t k_highs = 0x8080808080808080;
    // High bit set in some byte exactly when some byte of `word` is below n (n <= 0x80).
    auto any_below = [](std::uint64_t word, std::uint64_t n) {
      return (word - k_ones * n) & ~word & k_highs;
    };
    while (m_end - m_p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, m_p, sizeof word);
      if ((word & k_highs) != 0 || any_below(word, 0x20) != 0 ||
          any_below(word ^ (k_ones * '"'), 1) != 0 || any_below(word ^ (k_ones * '\\'), 1) != 0) {
        break;
      }
      m_p += 8;
    }
    while (m_p != m_end) {
      const auto c = static_cast<unsigned char>(*m_p);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
        return;
      }
      ++m_p;
    }
  }

  // Four hex digits at m_p, read; -1 when they are not.
  int code_unit() {
    if (m_end - m_p < 4) {
      return -1;
    }
    int unit = 0;
    for (int i = 0; i < 4; ++i) {
      int digit = hex_digit_value(m_p[i]);
      if (digit < 0) {
        return -1;
      }
      unit = unit * 16 + digit;
    }
    m_p += 4;
    return unit;
  }

  bool escape() {
    if (m_end - m_p < 2) {
      return false;
    }
    const char kind = m_p[1];
    m_p += 2;
    switch (kind) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return true;
      case 'u': {
        const int unit = code_unit();
        if (unit >= 0xD800 && unit <= 0xDBFF) {  // a high surrogate: a low one must follow
          if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u') {
            return false;
          }
          m_p += 2;
          const int low = code_unit();
          return low >= 0xDC00 && low <= 0xDFFF;
        }
        return unit >= 0 && !(unit >= 0xDC00 && unit <= 0xDFFF);
      }
      default:
        return false;
    }
  }

  // A multi-byte UTF-8 sequence as RFC 3629 allows it (no overlong forms, no surrogates,
  // nothing past U+10FFFF).
  bool utf8_sequence() {
    const auto* s = reinterpret_cast<const unsigned char*>(m_p);
    const auto left = static_cast<std::size_t>(m_end - m_p);
    auto in = [&](std::size_t i, unsigned lowest, unsigned highest) {
      return i < left && s[i] >= lowest && s[i] <= highest;
    };
    const unsigned lead = s[0];
    std::size_t length = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = in(1, 0x80, 0xBF) ? 2 : 0;
    } else if (lead == 0xE0) {
      length = in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      length = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    } else if (lead == 0xED) {
      length = in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
    } else if (lead == 0xF0) {
      length = in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    } else if (lead == 0xF4) {
      length = in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    }
    m_p += length;
    return length > 0;
  }

  bool digits() {
    if (m_p == m_end || !is_json_digit(*m_p)) {
      return false;
    }
    while (m_p != m_end && is_json_digit(*m_p)) {
      ++m_p;
    }
    return true;
  }

  bool number() {
    const char* start = m_p;
    if (next_is('-')) {
      ++m_p;
    }
    if (next_is('0')) {
      ++m_p;
    } else if (!digits()) {
      return false;
    }
    if (next_is('.')) {
      ++m_p;
      if (!digits()) {
        return false;
      }
    }
    bool exponent = false;
    if (next_is('e') || next_is('E')) {
      exponent = true;
      ++m_p;
      if (next_is('+') || next_is('-')) {
        ++m_p;
      }
      if (!digits()) {
        return false;
      }
    }
    // A number that overflows a double is refused. Without an exponent it would take
    // over 300 digits.
    const auto length = static_cast<std::size_t>(m_p - start);
    if (exponent || length > 300) {
      return std::isfinite(std::strtod(std::string(start, length).c_str(), nullptr));
    }
    return true;
  }

  const char* m_p;
  const char* m_end;
  int m_depth_left;
  std::size_t m_max_members;
  bool m_too_many_members = false;
};

}  // namespace

CheckedJson check_json(std::string_view text, int max_depth, std::size_t max_members) {
  return Validator(text, max_depth, max_members).document();
}

}  // namespace llmgw
