#include "core/json_scan.h"

#include "core/hex_digit.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <numeric>

namespace llmgw {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Checks a text from its first byte to its last, as nlohmann's lexer and parser would.
class Validator {
public:
  Validator(std::string_view text, int max_depth)
      : m_p(text.data()), m_end(text.data() + text.size()), m_depth_left(max_depth) {}

  CheckedJson document() {
    if (m_end - m_p >= 3 && std::memcmp(m_p, "\xEF\xBB\xBF", 3) == 0) {
      m_p += 3;
    }
    skip_space();
    const char* start = m_p;
    std::optional<JsonKind> kind = value();
    CheckedJson checked;
    if (!kind) {
      checked.fault = m_depth_left < 0 ? JsonFault::too_deep : JsonFault::malformed;
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
    while (m_p != m_end && is_space(*m_p)) {
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
    for (;;) {
      if (kind == JsonKind::object) {
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
    if (m_p == m_end || !is_digit(*m_p)) {
      return false;
    }
    while (m_p != m_end && is_digit(*m_p)) {
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
};

// Readers of a validated text: each starts at the first byte of a value that ends before
// `end`, and returns the byte after it.
const char* skip_string(const char* p, const char* end) {
  for (const char* quote = p + 1;; quote += 1) {
    const auto left = static_cast<std::size_t>(end - quote);
    quote = static_cast<const char*>(std::memchr(quote, '"', left));
    // Escaped when an odd number of backslashes comes before it (the opening quote stops
    // the count).
    const char* escapes = quote;
    while (escapes[-1] == '\\') {
      --escapes;
    }
    if ((quote - escapes) % 2 == 0) {
      return quote + 1;
    }
  }
}

const char* skip_space(const char* p, const char* end) {
  while (p != end && is_space(*p)) {
    ++p;
  }
  return p;
}

JsonSlice skip_value(const char* p, const char* end) {
  const char* start = p;
  JsonKind kind = JsonKind::number;
  switch (*p) {
    case '"':
      kind = JsonKind::string;
      p = skip_string(p, end);
      break;
    case '{':
    case '[': {
      kind = *p == '{' ? JsonKind::object : JsonKind::array;
      int depth = 0;
      do {
        if (*p == '"') {
          p = skip_string(p, end);
          continue;
        }
        if (*p == '{' || *p == '[') {
          ++depth;
        } else if (*p == '}' || *p == ']') {
          --depth;
        }
        ++p;
      } while (depth > 0);
      break;
    }
    case 't':
      kind = JsonKind::boolean;
      p += 4;
      break;
    case 'f':
      kind = JsonKind::boolean;
      p += 5;
      break;
    case 'n':
      kind = JsonKind::null;
      p += 4;
      break;
    default:
      while (is_digit(*p) || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E') {
        ++p;
      }
  }
  return {kind, std::string_view(start, static_cast<std::size_t>(p - start))};
}

void append_utf8(std::string& out, unsigned code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

unsigned code_unit_at(const char* p) {
  unsigned unit = 0;
  for (int i = 0; i < 4; ++i) {
    unit = unit * 16 + static_cast<unsigned>(hex_digit_value(p[i]));
  }
  return unit;
}

}  // namespace

CheckedJson check_json(std::string_view text, int max_depth) {
  return Validator(text, max_depth).document();
}

std::optional<std::vector<JsonMember>> json_object_members(std::string_view text, int max_depth) {
  const CheckedJson checked = check_json(text, max_depth);
  if (checked.fault != JsonFault::none || checked.value.kind != JsonKind::object) {
    return std::nullopt;
  }
  return last_of_each_key(json_members(checked.value));
}

std::vector<JsonMember> json_members(const JsonSlice& object) {
  std::vector<JsonMember> members;
  const char* end = object.text.data() + object.text.size() - 1;  // the closing brace
  const char* p = skip_space(object.text.data() + 1, end);
  while (p != end) {
    JsonMember member;
    const char* key_end = skip_string(p, end);
    member.key_text = std::string_view(p, static_cast<std::size_t>(key_end - p));
    member.key = json_string_value(member.key_text);
    p = skip_space(key_end, end) + 1;  // past the colon
    member.value = skip_value(skip_space(p, end), end);
    p = skip_space(member.value.text.data() + member.value.text.size(), end);
    if (p != end) {
      p = skip_space(p + 1, end);  // past the comma
    }
    members.push_back(std::move(member));
  }
  return members;
}

std::vector<JsonMember> last_of_each_key(std::vector<JsonMember> members) {
  // Whether each member's key comes again later: by comparison for the few members a
  // request has, by sorting for a body made of many (a hash set could be made quadratic
  // with colliding keys).
  constexpr std::size_t k_compared = 32;
  std::vector<bool> repeated(members.size(), false);
  if (members.size() <= k_compared) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (std::size_t j = i + 1; j < members.size() && !repeated[i]; ++j) {
        repeated[i] = members[i].key == members[j].key;
      }
    }
  } else {
    std::vector<std::size_t> order(members.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&members](std::size_t a, std::size_t b) {
      return members[a].key < members[b].key;
    });
    for (std::size_t i = 0; i + 1 < order.size(); ++i) {
      repeated[order[i]] = members[order[i]].key == members[order[i + 1]].key;
    }
  }
  std::vector<JsonMember> kept;
  kept.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!repeated[i]) {
      kept.push_back(std::move(members[i]));
    }
  }
  return kept;
}

const JsonMember* find_member(const std::vector<JsonMember>& members, std::string_view key) {
  for (const JsonMember& member : members) {
    if (member.key == key) {
      return &member;
    }
  }
  return nullptr;
}

std::vector<JsonSlice> json_elements(const JsonSlice& array) {
  std::vector<JsonSlice> elements;
  const char* end = array.text.data() + array.text.size() - 1;  // the closing bracket
  const char* p = skip_space(array.text.data() + 1, end);
  while (p != end) {
    JsonSlice element = skip_value(p, end);
    p = skip_space(element.text.data() + element.text.size(), end);
    if (p != end) {
      p = skip_space(p + 1, end);  // past the comma
    }
    elements.push_back(element);
  }
  return elements;
}

std::string json_string_value(std::string_view literal) {
  std::string value;
  value.reserve(literal.size());
  const char* p = literal.data() + 1;
  const char* end = literal.data() + literal.size() - 1;  // the closing quote
  while (p != end) {
    if (*p != '\\') {
      value += *p++;
      continue;
    }
    const char kind = p[1];
    p += 2;
    switch (kind) {
      case 'b':
        value += '\b';
        break;
      case 'f':
        value += '\f';
        break;
      case 'n':
        value += '\n';
        break;
      case 'r':
        value += '\r';
        break;
      case 't':
        value += '\t';
        break;
      case 'u': {
        unsigned code_point = code_unit_at(p);
        p += 4;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {  // validated: a low one follows
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (code_unit_at(p + 2) - 0xDC00);
          p += 6;
        }
        append_utf8(value, code_point);
        break;
      }
      default:  // '"', '\\' and '/' stand for themselves
        value += kind;
    }
  }
  return value;
}

std::optional<std::int64_t> json_integer(const JsonSlice& value) {
  std::string_view digits = value.text;
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) {
    digits.remove_prefix(1);
  }
  if (value.kind != JsonKind::number || digits.empty() ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::uint64_t magnitude = 0;
  for (char digit : digits) {
    const auto d = static_cast<std::uint64_t>(digit - '0');
    if (magnitude > (UINT64_MAX - d) / 10) {
      return std::nullopt;  // past 64 bits: a floating-point number to nlohmann
    }
    magnitude = magnitude * 10 + d;
  }
  if (negative) {
    if (magnitude > static_cast<std::uint64_t>(INT64_MAX) + 1) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(0 - magnitude);
  }
  return static_cast<std::int64_t>(magnitude);
}

}  // namespace llmgw
