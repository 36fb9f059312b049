#pragma once
// How a person sees rules and dry-run checks. Scripts use --json instead.
#include "cli/output.h"
#include "core/rule.h"

#include <string>
#include <vector>

namespace llmgw::cli {

// ID, TYPE, VALUE (compact JSON), STATUS, CREATED; rules in evaluation order.
Table rule_table(const std::vector<Rule>& rules);

}  // namespace llmgw::cli
