#include "core/json_scan.h"

#include "core/hex_digit.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>

namespace llmgw {

namespace {

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
  while (p != end && is_json_space(*p)) {
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
      while (is_json_digit(*p) || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E') {
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

// The positions, in order, of the members whose key comes again later: by comparison for
// the few members a request has, by sorting for a body made of many (a hash set could be
// made quadratic with colliding keys). Usually none, which allocates nothing.
std::vector<std::size_t> earlier_duplicates(const std::vector<JsonMember>& members) {
  constexpr std::size_t k_compared = 32;
  std::vector<std::size_t> found;
  if (members.size() <= k_compared) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (std::size_t j = i + 1; j < members.size(); ++j) {
        if (members[i].key == members[j].key) {
          found.push_back(i);
          break;
        }
      }
    }
    return found;
  }
  std::vector<std::size_t> order(members.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&members](std::size_t a, std::size_t b) {
    return members[a].key < members[b].key;
  });
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    if (members[order[i]].key == members[order[i + 1]].key) {
      found.push_back(order[i]);
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

std::optional<std::vector<JsonMember>> json_object_members(std::string_view text, int max_depth) {
  const CheckedJson checked = check_json(text, max_depth);
  if (checked.fault != JsonFault::none || checked.value.kind != JsonKind::object) {
    return std::nullopt;
  }
  return last_of_each_key(json_members(checked.value));
}

std::vector<JsonMember> json_members(const JsonSlice& object) {
  constexpr std::size_t k_usual_members = 8;  // one allocation for most objects
  std::vector<JsonMember> members;
  members.reserve(k_usual_members);
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
  const std::vector<std::size_t> dropped = earlier_duplicates(members);
  std::size_t kept = 0;
  auto next_dropped = dropped.begin();
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (next_dropped != dropped.end() && *next_dropped == i) {
      ++next_dropped;
      continue;
    }
    if (kept != i) {
      members[kept] = std::move(members[i]);
    }
    ++kept;
  }
  members.erase(members.begin() + static_cast<std::ptrdiff_t>(kept), members.end());
  return members;
}

std::optional<std::string> repeated_key(const std::vector<JsonMember>& members) {
  const std::vector<std::size_t> earlier = earlier_duplicates(members);
  if (earlier.empty()) {
    return std::nullopt;
  }
  return members[earlier.front()].key;
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
