#include "core/token_usage.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace llmgw {

namespace {

std::int64_t count(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) {
    return 0;
  }
  return std::max<std::int64_t>(0, found->get<std::int64_t>());
}

}  // namespace

std::optional<TokenUsage> usage_of(const nlohmann::json& document) {
  if (!document.is_object()) {
    return std::nullopt;
  }
  auto usage = document.find("usage");
  if (usage == document.end() || !usage->is_object()) {
    return std::nullopt;
  }
  TokenUsage tokens;
  tokens.prompt = count(*usage, "prompt_tokens");
  tokens.completion = count(*usage, "completion_tokens");
  auto details = usage->find("prompt_tokens_details");
  if (details != usage->end() && details->is_object()) {
    tokens.cached = std::min(tokens.prompt, count(*details, "cached_tokens"));
  }
  return tokens;
}

namespace {

// What usage_of() reads, gathered while the text is parsed: nlohmann's SAX events, with
// the path from the root kept as far as it matters. A key given twice counts as the
// document would have it: the last one.
class UsageReader {
public:
  using json = nlohmann::json;

  std::optional<TokenUsage> result() const {
    if (!m_usage) {
      return std::nullopt;
    }
    TokenUsage tokens = *m_usage;
    tokens.cached = std::min(tokens.prompt, tokens.cached);
    return tokens;
  }

  bool null() { return value(Kind::other); }
  bool boolean(bool) { return value(Kind::other); }
  bool number_integer(json::number_integer_t number) { return value(Kind::integer, number); }
  bool number_unsigned(json::number_unsigned_t number) {
    return value(Kind::integer, static_cast<std::int64_t>(number));  // as get<std::int64_t>()
  }
  bool number_float(json::number_float_t, const json::string_t&) { return value(Kind::other); }
  bool string(json::string_t&) { return value(Kind::other); }
  bool binary(json::binary_t&) { return value(Kind::other); }
  bool start_object(std::size_t) {
    Where where = where_next();
    value(Kind::object);
    m_path.push_back(where);
    return true;
  }
  bool key(json::string_t& name) {
    m_key = name;
    return true;
  }
  bool end_object() {
    m_path.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    value(Kind::other);
    m_path.push_back(Where::elsewhere);
    return true;
  }
  bool end_array() {
    m_path.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    m_usage.reset();
    return false;
  }

private:
  // Where a value sits: the root, the root object's "usage", the usage's
  // "prompt_tokens_details", or anywhere else.
  enum class Where { root, usage, details, elsewhere };
  enum class Kind { integer, object, other };

  // Where the value that starts now sits (keys come right before their values, so m_key
  // is the value's own key whenever it sits in an object).
  Where where_next() const {
    if (m_path.empty()) {
      return Where::root;
    }
    switch (m_path.back()) {
      case Where::root:
        return m_key == "usage" ? Where::usage : Where::elsewhere;
      case Where::usage:
        return m_key == "prompt_tokens_details" ? Where::details : Where::elsewhere;
      default:
        return Where::elsewhere;
    }
  }

  // A value of `kind` starts; it replaces whatever an earlier value under the same key set.
  bool value(Kind kind, std::int64_t integer = 0) {
    const Where where = where_next();
    if (where == Where::usage) {
      m_usage = kind == Kind::object ? std::optional<TokenUsage>(TokenUsage{}) : std::nullopt;
      return true;
    }
    if (m_path.empty() || !m_usage) {
      return true;
    }
    // Counts that are not integers count as 0, and so do negative ones.
    const std::int64_t count = kind == Kind::integer ? std::max<std::int64_t>(0, integer) : 0;
    if (where == Where::details || (m_path.back() == Where::details && m_key == "cached_tokens")) {
      m_usage->cached = count;  // a new details object starts with none
    } else if (m_path.back() == Where::usage && m_key == "prompt_tokens") {
      m_usage->prompt = count;
    } else if (m_path.back() == Where::usage && m_key == "completion_tokens") {
      m_usage->completion = count;
    }
    return true;
  }

  std::vector<Where> m_path;  // where each object and array open sits, from the root
  std::string m_key;          // the last key read
  std::optional<TokenUsage> m_usage;
};

}  // namespace

std::optional<TokenUsage> usage_in(std::string_view json_text) {
  UsageReader reader;
  if (!nlohmann::json::sax_parse(json_text, &reader)) {
    return std::nullopt;
  }
  return reader.result();
}

Money cost_of(const Mapping& mapping, const TokenUsage& usage) {
  return mapping.input.cost(usage.prompt - usage.cached) +
         mapping.cached_input.cost(usage.cached) + mapping.output.cost(usage.completion);
}

}  // namespace llmgw
