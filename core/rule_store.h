#pragma once
// The IAM rules of keys in the database. Rules of a key are evaluated in (created_at, id)
// order; added rules get a created_at after every rule the key already has (one
// millisecond apart within one call), so they are evaluated in the order they were added.
// Every read-then-write runs in one BEGIN IMMEDIATE transaction.
#include "core/catalog.h"
#include "core/key_store.h"
#include "core/rule.h"
#include "core/store.h"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmgw {

// Force::yes stores model and provider names the catalog does not know.
enum class Force { yes, no };
enum class RuleStatus { active, inactive };

// Throws Error(invalid) "unknown model 'gpt4o' in allow_models rule (did you mean
// gpt-4o?)..." for the first name of `rule` that `catalog` does not know.
void check_rule_names(const Rule& rule, const Catalog& catalog);

class RuleStore {
public:
  RuleStore(Store& store, const Clock& clock) : m_store(store), m_clock(clock) {}

  // The key's rules, active and inactive, in evaluation order; nothing for a key without
  // rules or an unknown key.
  std::vector<Rule> list(const std::string& key_id);
  // How many rules (active or not) each key has; keys without rules are absent.
  std::map<std::string, std::size_t> counts();

  // Adds `rules` (their id, key_id and created_at are set here) to a key that exists and
  // is not deleted, all or none. Throws Error(not_found) for an unknown key,
  // Error(conflict) for a deleted one, and with Force::no Error(invalid) for a name
  // `catalog` does not know.
  std::vector<Rule> add(const std::string& key_id, std::vector<Rule> rules, const Catalog& catalog,
                        Force force);
  // The same inside the caller's transaction, for a key created in it.
  // REQUIRES: inside m_store.write_transaction(); the key exists.
  std::vector<Rule> insert(const std::string& key_id, std::vector<Rule> rules,
                           const Catalog& catalog, Force force);

  // Throws Error(not_found) when the key has no rule `rule_id`, unless IfExists::yes.
  std::optional<Rule> remove(const std::string& key_id, const std::string& rule_id,
                             IfExists if_exists);
  // Succeeds when the rule already has `status`. Throws Error(not_found) like remove().
  Rule set_status(const std::string& key_id, const std::string& rule_id, RuleStatus status);
  // Removes every rule of the key; returns how many there were.
  std::size_t clear(const std::string& key_id);

private:
  // REQUIRES: inside a write transaction. Throws for an unknown or deleted key.
  void check_key_for_change(const std::string& key_id);
  std::optional<Rule> find(const std::string& key_id, const std::string& rule_id);
  Rule get(const std::string& key_id, const std::string& rule_id);

  Store& m_store;
  const Clock& m_clock;
};

}  // namespace llmgw
