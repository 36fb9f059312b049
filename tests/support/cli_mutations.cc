#include "tests/support/cli_mutations.h"

#include <nlohmann/json.hpp>

namespace test {

CliMutations::CliMutations(std::vector<std::string> load_key_ids, std::uint64_t seed)
    : m_load_keys(std::move(load_key_ids)), m_random(seed) {}

std::string CliMutations::any_key() {
  std::size_t n = m_random() % (m_load_keys.size() + m_own_keys.size());
  return n < m_load_keys.size() ? m_load_keys[n] : m_own_keys[n - m_load_keys.size()];
}

std::vector<std::string> CliMutations::next() {
  std::string n = std::to_string(++m_count);
  switch (m_random() % 8) {
  case 0:
    return {"--json", "key", "create", "-d", "operator key " + n, "--limit", "5"};
  case 1:
    return {"key", "update", any_key(), "-d", "renamed " + n};
  case 2:
    return {"key", "update", any_key(), "--limit", std::to_string(1000 + m_random() % 1000)};
  case 3:
    return {"key", "disable", any_key()};
  case 4:
    return {"key", "enable", any_key()};
  case 5:
    // "echo" is another model than the one under load: the rule changes the key's
    // configuration without refusing its requests.
    return {"--json", "key", "rule", "add", any_key(), "--deny-model", "echo"};
  case 6: {
    std::string key = any_key();
    std::vector<std::string>& rules = m_rules[key];
    if (rules.empty()) {
      return {"key", "rule", "list", key};
    }
    std::string rule = rules.back();
    rules.pop_back();
    return {"key", "rule", "rm", key, rule, "--if-exists"};
  }
  default:
    if (m_own_keys.empty()) {
      return {"key", "list"};
    }
    std::string key = m_own_keys.back();
    m_own_keys.pop_back();
    m_rules.erase(key);
    return {"key", "delete", "--yes", key};
  }
}

void CliMutations::learn(const std::vector<std::string>& args, const Result& result) {
  if (result.exit_code != 0 || args.size() < 3 || args[0] != "--json") {
    return;
  }
  nlohmann::json document = nlohmann::json::parse(result.out, nullptr, false);
  if (!document.is_object()) {
    return;
  }
  if (args[2] == "create") {
    m_own_keys.push_back(document.value("id", ""));
  } else if (args[2] == "rule") {
    for (const nlohmann::json& rule : document.value("rules", nlohmann::json::array())) {
      m_rules[document.value("key_id", "")].push_back(rule.value("id", ""));
    }
  }
}

}  // namespace test
