#include "cli/dry_run.h"

#include "cli/output.h"
#include "core/catalog.h"
#include "core/catalog_json.h"
#include "core/key_store.h"
#include "core/rule_store.h"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <set>
#include <vector>

namespace llmgw::cli {

namespace {

enum Kind { k_provider, k_model, k_key, k_rule };
constexpr std::array<const char*, 4> k_kind_names{"provider", "model", "key", "rule"};

// "key key_x (ci pipeline)", "rule rule_x of key key_y", "model gpt-4o".
std::string label(int kind, const std::string& id, const nlohmann::json& document) {
  std::string text = fmt::format("{} {}", k_kind_names[kind], id);
  if (kind == k_key) {
    text += fmt::format(" ({})", document["description"].get<std::string>());
  } else if (kind == k_rule) {
    text += fmt::format(" of key {}: {} {}", document["key_id"].get<std::string>(),
                        document["type"].get<std::string>(), document["value"].dump());
  }
  return text;
}

bool is_mapping_list(const nlohmann::json& value) {
  if (!value.is_array()) {
    return false;
  }
  for (const auto& element : value) {
    if (!element.is_object() || !element.contains("provider")) {
      return false;
    }
  }
  return true;
}

std::map<std::string, nlohmann::json> by_provider(const nlohmann::json& mappings) {
  std::map<std::string, nlohmann::json> found;
  for (const auto& m : mappings) {
    found[m["provider"].get<std::string>()] = m;
  }
  return found;
}

// "path before -> after" for each leaf that differs; objects are compared field by field
// and a model's mappings provider by provider.
void differences(const std::string& path, const nlohmann::json& before,
                 const nlohmann::json& after, std::vector<std::string>& out) {
  if (before == after) {
    return;
  }
  auto at = [&path](const std::string& name) { return path.empty() ? name : path + "." + name; };
  if (before.is_object() && after.is_object()) {
    for (const auto& [name, value] : before.items()) {
      differences(at(name), value, after.contains(name) ? after[name] : nlohmann::json(), out);
    }
    for (const auto& [name, value] : after.items()) {
      if (!before.contains(name)) {
        differences(at(name), nlohmann::json(), value, out);
      }
    }
    return;
  }
  // Both are mapping lists, or one is and the other absent.
  const bool before_mappings = is_mapping_list(before);
  const bool after_mappings = is_mapping_list(after);
  if ((before_mappings || after_mappings) && (before_mappings || before.is_null()) &&
      (after_mappings || after.is_null())) {
    auto old_ones = by_provider(before.is_null() ? nlohmann::json::array() : before);
    auto new_ones = by_provider(after.is_null() ? nlohmann::json::array() : after);
    for (const auto& [provider, mapping] : old_ones) {
      auto found = new_ones.find(provider);
      differences(fmt::format("{}[{}]", path, provider), mapping,
                  found == new_ones.end() ? nlohmann::json() : found->second, out);
    }
    for (const auto& [provider, mapping] : new_ones) {
      if (old_ones.count(provider) == 0) {
        differences(fmt::format("{}[{}]", path, provider), nlohmann::json(), mapping, out);
      }
    }
    return;
  }
  out.push_back(fmt::format("{} {} -> {}", path, before.dump(), after.dump()));
}

std::string change_line(int kind, const std::string& id, const nlohmann::json& before,
                        const nlohmann::json& after) {
  if (before.is_null() && kind == k_key) {
    // The secret made for the dry run is thrown away, so none is shown, not even a prefix.
    return "add " + label(kind, id, after) +
           ", with no secret: a real run makes one and prints it once";
  }
  if (before.is_null()) {
    return "add " + label(kind, id, after);
  }
  if (after.is_null()) {
    return "remove " + label(kind, id, before);
  }
  std::vector<std::string> fields;
  if (kind == k_key && before["prefix"] != after["prefix"]) {
    fields.emplace_back("secret replaced (the old one would stop working)");
  }
  for (const auto& [name, value] : after.items()) {
    // Every change renews updated_at; the secret is told above.
    if (kind == k_key && (name == "updated_at" || name == "prefix")) {
      continue;
    }
    differences(name, before.contains(name) ? before[name] : nlohmann::json(), value, fields);
  }
  std::string line = "change " + label(kind, id, after) + ":";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    line += (i == 0 ? " " : ", ") + fields[i];
  }
  return line;
}

}  // namespace

DryRun::DryRun(Context& context) : m_context(context), m_now(context.clock().now()) {
  m_context.store().begin_dry_run();
  m_before = state();
}

DryRun::~DryRun() {
  m_context.store().end_dry_run();
}

DryRun::State DryRun::state() {
  State found;
  Store& store = m_context.store();
  Catalog catalog = load_catalog(store);
  for (const Provider& p : catalog.providers()) {
    found[{k_provider, p.id}] = to_json(p);
  }
  for (const Model& m : catalog.models()) {
    found[{k_model, m.id}] = to_json(m);
  }
  RuleStore rules(store, m_context.clock());
  for (const ApiKey& key : KeyStore(store, m_context.clock()).list(IncludeDeleted::yes)) {
    found[{k_key, key.id}] = to_json(key, m_now);
    for (const Rule& rule : rules.list(key.id)) {
      found[{k_rule, rule.id}] = to_json(rule);
    }
  }
  return found;
}

void DryRun::report() {
  State after = state();
  m_context.store().end_dry_run();
  nlohmann::json changes = nlohmann::json::array();
  std::string lines;
  auto add = [&](const std::pair<int, std::string>& what, const nlohmann::json& before,
                 nlohmann::json now) {
    if (what.first == k_key && !now.is_null() &&
        (before.is_null() || before["prefix"] != now["prefix"])) {
      now["prefix"] = nullptr;  // the prefix of a secret that was never issued
    }
    lines += change_line(what.first, what.second, before, now) + "\n";
    const char* action = before.is_null() ? "add" : now.is_null() ? "remove" : "change";
    changes.push_back({{"action", action},
                       {"kind", k_kind_names[what.first]},
                       {"id", what.second},
                       {"before", before},
                       {"after", std::move(now)}});
  };
  std::set<std::pair<int, std::string>> everything;
  for (const State* state : {&m_before, &after}) {
    for (const auto& entry : *state) {
      everything.insert(entry.first);
    }
  }
  for (const auto& what : everything) {
    auto was = m_before.find(what);
    auto is = after.find(what);
    nlohmann::json before = was == m_before.end() ? nlohmann::json() : was->second;
    nlohmann::json now = is == after.end() ? nlohmann::json() : is->second;
    if (before != now) {
      add(what, before, std::move(now));
    }
  }
  if (m_context.format() == Format::json) {
    print_json(m_context, {{"dry_run", true}, {"changes", std::move(changes)}});
    return;
  }
  std::fputs(lines.empty() ? "no changes\n" : lines.c_str(), stdout);
  tell("Dry run: nothing was written.");
}

}  // namespace llmgw::cli
