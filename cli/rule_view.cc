#include "cli/rule_view.h"

#include "cli/output.h"

#include <nlohmann/json.hpp>

namespace llmgw::cli {

Table rule_table(const std::vector<Rule>& rules) {
  Table table({"ID", "TYPE", "VALUE", "STATUS", "CREATED"});
  for (const Rule& rule : rules) {
    table.add({rule.id, std::string(to_string(rule.type)), rule_value(rule).dump(),
               rule.active ? "active" : "inactive", format_iso(rule.created_at)});
  }
  return table;
}

}  // namespace llmgw::cli
