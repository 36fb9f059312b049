#include "core/api_key.h"

#include "core/error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmgw {

std::string_view to_string(KeyStatus status) {
  switch (status) {
    case KeyStatus::active:
      return "active";
    case KeyStatus::disabled:
      return "disabled";
    case KeyStatus::deleted:
      return "deleted";
  }
  return "";
}

KeyStatus parse_key_status(std::string_view text) {
  for (KeyStatus s : {KeyStatus::active, KeyStatus::disabled, KeyStatus::deleted}) {
    if (text == to_string(s)) {
      return s;
    }
  }
  throw_invalid(fmt::format("invalid key status '{}'", text));
}

std::string_view effective_status(const ApiKey& key, Timestamp now) {
  return key.status == KeyStatus::active && key.expired_at(now) ? "expired"
                                                                 : to_string(key.status);
}

Money PeriodLimit::usage_at(Timestamp now) const {
  return window_at(now).start == window_start ? usage : Money();
}

void validate_description(std::string_view description) {
  // Walk the UTF-8 sequences, counting characters; reject C0/C1 controls, DEL and
  // malformed bytes, including overlong forms, surrogates and code points past U+10FFFF.
  static constexpr std::uint32_t k_smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  std::size_t characters = 0;
  for (std::size_t i = 0; i < description.size(); ++characters) {
    auto byte = static_cast<unsigned char>(description[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3
                                         : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > description.size()) {
      throw_invalid("invalid description: not valid UTF-8");
    }
    std::uint32_t code = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(description[i + k]);
      if ((next & 0xC0) != 0x80) {
        throw_invalid("invalid description: not valid UTF-8");
      }
      code = (code << 6) | (next & 0x3F);
    }
    if (code < k_smallest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
      throw_invalid("invalid description: not valid UTF-8");
    }
    if (code < 0x20 || code == 0x7F || (code >= 0x80 && code < 0xA0)) {
      throw_invalid("invalid description: control characters are not allowed");
    }
    i += length;
  }
  if (characters == 0 || characters > 255) {
    throw_invalid(fmt::format("invalid description: must be 1 to 255 characters, got {}",
                              characters));
  }
}

namespace {

// A JSON string: quotes, backslashes and control characters escaped, UTF-8 as is.
void append_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  append_string(out, name);
  out += ':';
  append_string(out, value);
  out += ',';
}

void append_nullable(std::string& out, std::string_view name,
                     const std::optional<std::string>& value) {
  if (value) {
    append_field(out, name, *value);
  } else {
    append_string(out, name);
    out += ":null,";
  }
}

void append_count(std::string& out, std::string_view name,
                  const std::optional<std::int64_t>& value) {
  append_string(out, name);
  out += value ? fmt::format(":{},", *value) : std::string(":null,");
}

std::optional<std::string> iso_or_none(const std::optional<Timestamp>& t) {
  return t ? std::optional<std::string>(format_iso(*t)) : std::nullopt;
}

}  // namespace

void append_json_fields(std::string& out, const ApiKey& key, Timestamp now) {
  append_field(out, "created_at", format_iso(key.created_at));
  append_field(out, "description", key.description);
  out += key.expired_at(now) ? "\"expired\":true," : "\"expired\":false,";
  append_nullable(out, "expires_at", iso_or_none(key.expires_at));
  append_field(out, "id", key.id);
  append_nullable(out, "last_used_at", iso_or_none(key.last_used_at));
  if (key.period_limit) {
    const PeriodLimit& p = *key.period_limit;
    Window window = p.window_at(now);
    out += "\"period_limit\":{";
    append_field(out, "amount", p.amount.to_usd());
    append_field(out, "period", p.period.to_string());
    append_field(out, "resets_at", format_iso(window.end));
    append_field(out, "usage", p.usage_at(now).to_usd());
    append_field(out, "window_start", format_iso(window.start));
    out.back() = '}';
    out += ',';
  } else {
    out += "\"period_limit\":null,";
  }
  append_field(out, "prefix", key.prefix);
  append_field(out, "status", effective_status(key, now));
  out += "\"traffic_limits\":{";
  append_count(out, "max_parallel", key.traffic.max_parallel);
  append_count(out, "requests_per_day", key.traffic.requests_per_day);
  append_count(out, "requests_per_minute", key.traffic.requests_per_minute);
  append_count(out, "tokens_per_minute", key.traffic.tokens_per_minute);
  out.back() = '}';
  out += ',';
  append_field(out, "updated_at", format_iso(key.updated_at));
  append_field(out, "usage", key.usage.to_usd());
  append_nullable(out, "usage_limit",
                  key.usage_limit ? std::optional<std::string>(key.usage_limit->to_usd())
                                  : std::nullopt);
  out.pop_back();  // the last comma
}

nlohmann::json to_json(const ApiKey& key, Timestamp now) {
  std::string text = "{";
  append_json_fields(text, key, now);
  text += "}";
  return nlohmann::json::parse(text);
}

}  // namespace llmgw
