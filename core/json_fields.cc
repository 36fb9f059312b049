#include "core/json_fields.h"

#include "core/error.h"

#include <fmt/format.h>

namespace llmgw {

nlohmann::json parse_json(const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // Drop the "[json.exception.parse_error.101] " tag: the rest is for people.
    std::string why = e.what();
    std::size_t tag_end = why.find("] ");
    throw_invalid(fmt::format("{}: not valid JSON: {}", what,
                              tag_end == std::string::npos ? why : why.substr(tag_end + 2)));
  }
}

JsonFields::JsonFields(const nlohmann::json& object, std::string context)
    : m_object(object), m_context(std::move(context)) {
  if (!object.is_object()) {
    throw_invalid(fmt::format("{}: expected a JSON object, got {}", m_context, object.type_name()));
  }
}

void JsonFields::fail(const char* key, const std::string& why) const {
  throw_invalid(fmt::format("{}: \"{}\" {}", m_context, key, why));
}

const nlohmann::json* JsonFields::field(const char* key, bool required) {
  m_read.insert(key);
  auto it = m_object.find(key);
  if (it == m_object.end()) {
    if (required) {
      fail(key, "is missing");
    }
    return nullptr;
  }
  return &*it;
}

std::string JsonFields::string(const char* key, const std::optional<std::string>& fallback) {
  const nlohmann::json* value = field(key, !fallback);
  if (!value) {
    return *fallback;
  }
  if (!value->is_string()) {
    fail(key, "must be a string");
  }
  return value->get<std::string>();
}

bool JsonFields::boolean(const char* key, std::optional<bool> fallback) {
  const nlohmann::json* value = field(key, !fallback);
  if (!value) {
    return *fallback;
  }
  if (!value->is_boolean()) {
    fail(key, "must be true or false");
  }
  return value->get<bool>();
}

std::int64_t JsonFields::integer(const char* key, std::optional<std::int64_t> fallback) {
  const nlohmann::json* value = field(key, !fallback);
  if (!value) {
    return *fallback;
  }
  if (!value->is_number_integer() || value->get<std::int64_t>() < 0) {
    fail(key, "must be a whole number, 0 or more");
  }
  return value->get<std::int64_t>();
}

Price JsonFields::price(const char* key, std::optional<Price> fallback) {
  const nlohmann::json* value = field(key, !fallback);
  if (!value) {
    return *fallback;
  }
  try {
    return Price::from_json(*value, key);
  } catch (const Error& e) {
    throw_invalid(fmt::format("{}: {}", m_context, e.what()));
  }
}

const nlohmann::json& JsonFields::array(const char* key) {
  const nlohmann::json* value = field(key, true);
  if (!value->is_array()) {
    fail(key, "must be a list");
  }
  return *value;
}

const nlohmann::json& JsonFields::object(const char* key) {
  const nlohmann::json* value = field(key, true);
  if (!value->is_object()) {
    fail(key, "must be an object");
  }
  return *value;
}

std::vector<std::string> JsonFields::strings(const char* key) {
  const nlohmann::json& list = array(key);
  if (list.empty()) {
    fail(key, "must not be empty");
  }
  std::vector<std::string> out;
  for (const auto& item : list) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      fail(key, "must be a list of non-empty strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

void JsonFields::finish() const {
  for (const auto& [key, value] : m_object.items()) {
    if (m_read.count(key) == 0) {
      throw_invalid(fmt::format("{}: unknown field \"{}\"", m_context, key));
    }
  }
}

}  // namespace llmgw
