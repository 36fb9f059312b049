#include "core/unpriced_features.h"

#include "core/key_fold.h"
#include "core/logged_string.h"

#include <fmt/format.h>

namespace llmgw {

namespace {

constexpr const char* k_why =
    "which Anthropic may bill beyond its tokens: a key with a spending limit may not use it";
constexpr const char* k_ambiguous =
    "which a provider may read otherwise: a key with a spending limit may not send it";

bool is_null(const JsonSlice& value) {
  return value.kind == JsonKind::null;
}

// Why an object of a tool list or edit list may read otherwise upstream: a repeated key
// (a provider may take the first), or one a case-blind reader folds into another.
std::optional<std::string> ambiguity(const JsonSlice& object, std::string_view where) {
  if (object.kind != JsonKind::object) {
    return std::nullopt;
  }
  const std::vector<JsonMember> written = json_members(object);
  if (std::optional<std::string> key = repeated_key(written)) {
    return fmt::format("{} has the key '{}' more than once, {}", where, logged_string(*key),
                       k_ambiguous);
  }
  for (const JsonMember& m : written) {
    if (folded_key(m.key) != m.key || m.key.find('\0') != std::string::npos) {
      return fmt::format("{} has the key '{}', {}", where, logged_string(m.key), k_ambiguous);
    }
  }
  return std::nullopt;
}

// The string `name` of an object, or "" when it has none.
std::string string_of(const JsonSlice& object, std::string_view name) {
  if (object.kind != JsonKind::object) {
    return "";
  }
  const auto fields = last_of_each_key(json_members(object));
  const JsonMember* found = find_member(fields, name);
  return found != nullptr && found->value.kind == JsonKind::string
             ? json_string_value(found->value.text)
             : "";
}

std::optional<std::string> typed_tool(const JsonSlice& tools) {
  if (tools.kind != JsonKind::array) {
    return std::nullopt;
  }
  std::size_t index = 0;
  for (const JsonSlice& tool : json_elements(tools)) {
    if (auto why = ambiguity(tool, fmt::format("tools[{}]", index))) {
      return why;
    }
    const std::string type = string_of(tool, "type");
    if (!type.empty() && type != "custom") {
      return fmt::format("tools[{}] has type '{}', {}; send custom tools only", index,
                         logged_string(type), k_why);
    }
    ++index;
  }
  return std::nullopt;
}

std::optional<std::string> sampling_edit(const JsonSlice& context_management) {
  if (context_management.kind != JsonKind::object) {
    return "'context_management' must be an object";
  }
  const auto fields = last_of_each_key(json_members(context_management));
  const JsonMember* edits = find_member(fields, "edits");
  if (edits == nullptr || edits->value.kind != JsonKind::array) {
    return std::nullopt;
  }
  std::size_t index = 0;
  for (const JsonSlice& edit : json_elements(edits->value)) {
    if (auto why = ambiguity(edit, fmt::format("context_management.edits[{}]", index))) {
      return why;
    }
    const std::string type = string_of(edit, "type");
    if (type.rfind("clear_", 0) != 0) {
      return fmt::format("context_management.edits[{}] has type '{}', {}", index,
                         logged_string(type), k_why);
    }
    ++index;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> unpriced_feature(const std::vector<JsonMember>& members) {
  for (const JsonMember& m : members) {
    if (is_null(m.value)) {
      continue;
    }
    if (m.key == "tools") {
      if (auto why = typed_tool(m.value)) {
        return why;
      }
    } else if (m.key == "mcp_servers" || m.key == "container" || m.key == "inference_geo") {
      return fmt::format("'{}' is set, {}", m.key, k_why);
    } else if (m.key == "speed" &&
               !(m.value.kind == JsonKind::string && json_string_value(m.value.text) == "standard")) {
      return fmt::format("'speed' is not \"standard\", {}", k_why);
    } else if (m.key == "context_management") {
      if (auto why = sampling_edit(m.value)) {
        return why;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> unpriced_beta(std::string_view betas) {
  while (!betas.empty()) {
    const std::size_t comma = betas.find(',');
    std::string_view beta = betas.substr(0, comma);
    betas = comma == std::string_view::npos ? std::string_view() : betas.substr(comma + 1);
    while (!beta.empty() && (beta.front() == ' ' || beta.front() == '\t')) {
      beta.remove_prefix(1);
    }
    if (beta.size() >= 10 && folded_key(std::string(beta.substr(0, 10))) == "context-1m") {
      return fmt::format("anthropic-beta '{}' asks for long-context prices the catalog does not "
                         "hold: a key with a spending limit may not use it",
                         logged_string(std::string(beta)));
    }
  }
  return std::nullopt;
}

}  // namespace llmgw
