#pragma once
// The rule flags shared by `key create` and `key rule add`: --allow-model, --deny-model,
// --allow-provider, --deny-provider, --allow-ip, --deny-ip (repeatable, or
// comma-separated), --free-only,
// --paid-only, --max-input-price, --max-output-price (one allow_pricing rule), --deny-free,
// --deny-paid, and --force.
#include "cli/context.h"
#include "core/key_store.h"
#include "core/rule.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace llmgw::cli {

struct RuleOptions {
  std::vector<std::string> allow_models;
  std::vector<std::string> deny_models;
  std::vector<std::string> allow_providers;
  std::vector<std::string> deny_providers;
  std::vector<std::string> allow_ips;
  std::vector<std::string> deny_ips;
  bool free_only = false;
  bool paid_only = false;
  std::optional<std::string> max_input_price;
  std::optional<std::string> max_output_price;
  bool deny_free = false;
  bool deny_paid = false;
  bool force = false;
};

void add_rule_options(CLI::App* command, RuleOptions& options);

// The rules the flags describe, in this order: allow_models, allow_providers,
// allow_pricing, allow_ips, deny_models, deny_providers, deny_pricing free, deny_pricing
// paid, deny_ips. Throws Error(invalid) for a malformed price or network, before anything
// touches the database.
std::vector<Rule> rules_from_options(const RuleOptions& options);

// Creates the key and its rules in one transaction, so a bad rule (an unknown model
// without --force) creates no key.
CreatedKey create_key_with_rules(Context& context, const NewKey& spec,
                                 const std::vector<Rule>& rules, const RuleOptions& options);

}  // namespace llmgw::cli
