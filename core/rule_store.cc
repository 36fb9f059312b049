#include "core/rule_store.h"

#include "core/error.h"
#include "core/random.h"
#include "core/suggest.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace llmgw {

namespace {

#define LLMGW_RULE_COLUMNS "id, key_id, type, value, status, created_at"

constexpr const char* k_select_by_key =
    "SELECT " LLMGW_RULE_COLUMNS " FROM iam_rules WHERE key_id = ? ORDER BY created_at, id";
constexpr const char* k_select_one =
    "SELECT " LLMGW_RULE_COLUMNS " FROM iam_rules WHERE key_id = ? AND id = ?";

#undef LLMGW_RULE_COLUMNS

Rule read_rule(SQLite::Statement& row) {
  Rule rule = make_rule(parse_rule_type(row.getColumn(2).getString()),
                        nlohmann::json::parse(row.getColumn(3).getString()));
  rule.id = row.getColumn(0).getString();
  rule.key_id = row.getColumn(1).getString();
  rule.active = row.getColumn(4).getString() == "active";
  rule.created_at = row.getColumn(5).getInt64();
  return rule;
}

void check_names(std::string_view kind, const std::vector<std::string>& names,
                 const std::vector<std::string_view>& known, RuleType type) {
  for (const std::string& name : names) {
    if (!std::binary_search(known.begin(), known.end(), std::string_view(name))) {
      throw_invalid(fmt::format("unknown {} '{}' in {} rule{}; --force saves it anyway", kind, name,
                                to_string(type), did_you_mean(name, known)));
    }
  }
}

}  // namespace

void check_rule_names(const Rule& rule, const Catalog& catalog) {
  if (rule.names_models()) {
    check_names("model", rule.models, catalog.model_ids(), rule.type);
  } else if (rule.names_providers()) {
    check_names("provider", rule.providers, catalog.provider_ids(), rule.type);
  }
}

std::vector<Rule> RuleStore::list(const std::string& key_id) {
  auto& select = m_store.statement(k_select_by_key);
  select.bind(1, key_id);
  std::vector<Rule> rules;
  while (select.executeStep()) {
    rules.push_back(read_rule(select));
  }
  return rules;
}

std::map<std::string, std::size_t> RuleStore::counts() {
  auto& select = m_store.statement("SELECT key_id, COUNT(*) FROM iam_rules GROUP BY key_id");
  std::map<std::string, std::size_t> counts;
  while (select.executeStep()) {
    counts[select.getColumn(0).getString()] =
        static_cast<std::size_t>(select.getColumn(1).getInt64());
  }
  return counts;
}

void RuleStore::check_key_for_change(const std::string& key_id) {
  ApiKey key = KeyStore(m_store, m_clock).get(key_id);
  if (key.status == KeyStatus::deleted) {
    throw_conflict(fmt::format("key '{}' is deleted and its rules cannot be changed", key_id));
  }
}

std::vector<Rule> RuleStore::add(const std::string& key_id, std::vector<Rule> rules,
                                 const Catalog& catalog, Force force) {
  auto tx = m_store.write_transaction();
  check_key_for_change(key_id);
  rules = insert(key_id, std::move(rules), catalog, force);
  tx.commit();
  return rules;
}

std::vector<Rule> RuleStore::insert(const std::string& key_id, std::vector<Rule> rules,
                                    const Catalog& catalog, Force force) {
  if (force == Force::no) {
    for (const Rule& rule : rules) {
      check_rule_names(rule, catalog);
    }
  }
  auto& last = m_store.statement("SELECT MAX(created_at) FROM iam_rules WHERE key_id = ?");
  last.bind(1, key_id);
  Timestamp at = m_clock.now();
  if (last.executeStep() && !last.getColumn(0).isNull()) {
    at = std::max(at, last.getColumn(0).getInt64() + 1);
  }
  last.reset();
  auto& insert = m_store.statement(
      "INSERT INTO iam_rules (id, key_id, type, value, status, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  for (Rule& rule : rules) {
    rule.id = new_id("rule");
    rule.key_id = key_id;
    rule.created_at = at++;
    insert.reset();
    insert.bind(1, rule.id);
    insert.bind(2, key_id);
    insert.bind(3, std::string(to_string(rule.type)));
    insert.bind(4, rule_value(rule).dump());
    insert.bind(5, rule.active ? "active" : "inactive");
    insert.bind(6, static_cast<std::int64_t>(rule.created_at));
    insert.exec();
  }
  return rules;
}

std::optional<Rule> RuleStore::find(const std::string& key_id, const std::string& rule_id) {
  auto& select = m_store.statement(k_select_one);
  select.bind(1, key_id);
  select.bind(2, rule_id);
  std::optional<Rule> rule;
  if (select.executeStep()) {
    rule = read_rule(select);
  }
  select.reset();
  return rule;
}

Rule RuleStore::get(const std::string& key_id, const std::string& rule_id) {
  std::optional<Rule> rule = find(key_id, rule_id);
  if (!rule) {
    throw_not_found(fmt::format("rule '{}' not found on key '{}'", rule_id, key_id));
  }
  return *rule;
}

std::optional<Rule> RuleStore::remove(const std::string& key_id, const std::string& rule_id,
                                      IfExists if_exists) {
  auto tx = m_store.write_transaction();
  check_key_for_change(key_id);
  std::optional<Rule> rule =
      if_exists == IfExists::yes ? find(key_id, rule_id) : get(key_id, rule_id);
  if (!rule) {
    return std::nullopt;
  }
  auto& remove = m_store.statement("DELETE FROM iam_rules WHERE key_id = ? AND id = ?");
  remove.bind(1, key_id);
  remove.bind(2, rule_id);
  remove.exec();
  tx.commit();
  return rule;
}

Rule RuleStore::set_status(const std::string& key_id, const std::string& rule_id,
                           RuleStatus status) {
  auto tx = m_store.write_transaction();
  check_key_for_change(key_id);
  Rule rule = get(key_id, rule_id);
  bool active = status == RuleStatus::active;
  if (rule.active == active) {
    return rule;
  }
  auto& update = m_store.statement("UPDATE iam_rules SET status = ? WHERE key_id = ? AND id = ?");
  update.bind(1, active ? "active" : "inactive");
  update.bind(2, key_id);
  update.bind(3, rule_id);
  update.exec();
  tx.commit();
  rule.active = active;
  return rule;
}

std::size_t RuleStore::clear(const std::string& key_id) {
  auto tx = m_store.write_transaction();
  check_key_for_change(key_id);
  auto& remove = m_store.statement("DELETE FROM iam_rules WHERE key_id = ?");
  remove.bind(1, key_id);
  std::size_t count = static_cast<std::size_t>(remove.exec());
  tx.commit();
  return count;
}

}  // namespace llmgw
