#pragma once
// Strict reading of one JSON object from a user: each field is taken with its expected
// type, and finish() rejects any field nobody asked for, so a typo is an error rather
// than a silently ignored setting. Every error is Error(invalid) "<context>: <why>".
#include "core/price.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace llmgw {

// Parses JSON text from a user. Throws Error(invalid) "<what>: not valid JSON: parse error
// at line 1, column 2: ...".
nlohmann::json parse_json(const std::string& text, const std::string& what);

class JsonFields {
public:
  // Throws unless `object` is a JSON object.
  JsonFields(const nlohmann::json& object, std::string context);

  bool has(const char* key) const { return m_object.contains(key); }
  // A missing field without a fallback is an error.
  std::string string(const char* key, const std::optional<std::string>& fallback = {});
  bool boolean(const char* key, std::optional<bool> fallback = {});
  std::int64_t integer(const char* key, std::optional<std::int64_t> fallback = {});
  Price price(const char* key, std::optional<Price> fallback = {});
  // A required array.
  const nlohmann::json& array(const char* key);
  // A required object.
  const nlohmann::json& object(const char* key);
  // A required, non-empty array of non-empty strings.
  std::vector<std::string> strings(const char* key);

  // Throws when the object has a field that was not read, naming it.
  void finish() const;
  const std::string& context() const { return m_context; }

private:
  const nlohmann::json* field(const char* key, bool required);
  [[noreturn]] void fail(const char* key, const std::string& why) const;

  const nlohmann::json& m_object;
  std::string m_context;
  std::set<std::string> m_read;
};

}  // namespace llmgw
