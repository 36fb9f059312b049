#pragma once
// How a person sees rules and dry-run checks. Scripts use --json instead.
#include "core/rule.h"

#include <string>
#include <vector>

namespace llmgw::cli {

// ID, TYPE, VALUE (compact JSON), STATUS, CREATED; rules in evaluation order.
std::string render_rule_table(const std::vector<Rule>& rules);

}  // namespace llmgw::cli
