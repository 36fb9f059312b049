#include "core/wire/unpriced_features.h"

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

// What a tool list may hold: the types `allowed` takes, and tools of type `group` (none
// when null), whose own `tools` list is held to the same; `why` and `only` are for the
// message.
struct ToolPolicy {
  bool (*allowed)(const std::string& type);
  const char* group;
  const char* why;
  const char* only;
};

// The first tool of the list `where` (as "tools") whose type the policy does not allow: a
// tool the provider runs itself, billed per use or by the hour.
std::optional<std::string> typed_tool(const JsonSlice& tools, const std::string& where,
                                      const ToolPolicy& policy) {
  if (tools.kind != JsonKind::array) {
    return std::nullopt;
  }
  std::size_t index = 0;
  for (const JsonSlice& tool : json_elements(tools)) {
    const std::string at = fmt::format("{}[{}]", where, index++);
    if (auto ambiguous = ambiguity(tool, at)) {
      return ambiguous;
    }
    const std::string type = string_of(tool, "type");
    if (policy.group != nullptr && type == policy.group) {
      const auto fields = last_of_each_key(json_members(tool));
      const JsonMember* inner = find_member(fields, "tools");
      if (inner != nullptr) {
        if (auto why = typed_tool(inner->value, at + ".tools", policy)) {
          return why;
        }
      }
    } else if (!policy.allowed(type)) {
      return fmt::format("{} has type '{}', {}; send {} only", at, logged_string(type),
                         policy.why, policy.only);
    }
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
      static constexpr ToolPolicy k_policy{
          [](const std::string& type) { return type.empty() || type == "custom"; }, nullptr,
          k_why, "custom tools"};
      if (auto why = typed_tool(m.value, "tools", k_policy)) {
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

std::optional<std::string> unpriced_response_feature(const std::vector<JsonMember>& members) {
  static constexpr const char* k_response_why =
      "which the provider may bill beyond its tokens: a key with a spending limit may not use "
      "it";
  for (const JsonMember& m : members) {
    if (is_null(m.value)) {
      continue;
    }
    if (m.key == "tools") {
      // A namespace groups tools under one name (Codex sends its agent tools so).
      static constexpr ToolPolicy k_policy{
          [](const std::string& type) { return type == "function" || type == "custom"; },
          "namespace", k_response_why, "function and custom tools"};
      if (auto why = typed_tool(m.value, "tools", k_policy)) {
        return why;
      }
    } else if (m.key == "context_management") {
      return fmt::format("'context_management' is set: server-side compaction runs the model "
                         "again, {}",
                         k_response_why);
    } else if (m.key == "previous_response_id" || m.key == "conversation" || m.key == "prompt") {
      return fmt::format("'{}' is set, which brings in stored input whose cost llmgw cannot "
                         "bound: a key with a spending limit may not use it",
                         m.key);
    } else if (m.key == "service_tier" &&
               !(m.value.kind == JsonKind::string &&
                 (json_string_value(m.value.text) == "auto" ||
                  json_string_value(m.value.text) == "default"))) {
      return fmt::format("'service_tier' is not \"auto\" or \"default\", {}", k_response_why);
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
