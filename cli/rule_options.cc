#include "cli/completion/value_hint.h"
#include "cli/rule_options.h"

#include "core/catalog.h"
#include "core/rule_store.h"

#include <nlohmann/json.hpp>

namespace llmgw::cli {

namespace {

CLI::Option* add_names(CLI::App* command, const std::string& name, std::vector<std::string>& target,
                       const std::string& help) {
  return command->add_option(name, target, help)->delimiter(',')->allow_extra_args(false);
}

// A rule whose value is the list `names` in `field` ("models", "providers", "ips").
Rule list_rule(RuleType type, const char* field, const std::vector<std::string>& names) {
  return make_rule(type, nlohmann::json{{field, names}});
}

}  // namespace

void add_rule_options(CLI::App* command, RuleOptions& o) {
  complete_with(add_names(command, "--allow-model", o.allow_models,
                          "allow only these models (repeatable, or a,b)"),
                ValueSource::model_ids);
  complete_with(
      add_names(command, "--deny-model", o.deny_models, "deny these models (repeatable, or a,b)"),
      ValueSource::model_ids);
  complete_with(add_names(command, "--allow-provider", o.allow_providers,
                          "allow only these providers (repeatable, or a,b)"),
                ValueSource::provider_ids);
  complete_with(add_names(command, "--deny-provider", o.deny_providers,
                          "deny these providers (repeatable, or a,b)"),
                ValueSource::provider_ids);
  add_names(command, "--allow-ip", o.allow_ips,
            "allow only clients at these addresses or CIDR blocks (repeatable, or a,b)");
  add_names(command, "--deny-ip", o.deny_ips,
            "deny clients at these addresses or CIDR blocks (repeatable, or a,b)");
  auto* free_only = command->add_flag("--free-only", o.free_only, "allow only free mappings");
  command->add_flag("--paid-only", o.paid_only, "allow only paid mappings")->excludes(free_only);
  command->add_option_function<std::string>(
      "--max-input-price", [&o](const std::string& v) { o.max_input_price = v; },
      "allow only mappings whose input price is at or under this, USD per 1M tokens");
  command->add_option_function<std::string>(
      "--max-output-price", [&o](const std::string& v) { o.max_output_price = v; },
      "allow only mappings whose output price is at or under this, USD per 1M tokens");
  command->add_flag("--deny-free", o.deny_free, "deny free mappings");
  command->add_flag("--deny-paid", o.deny_paid, "deny paid mappings");
  command->add_flag("--force", o.force, "save model and provider names the catalog does not know");
}

std::vector<Rule> rules_from_options(const RuleOptions& o) {
  std::vector<Rule> rules;
  if (!o.allow_models.empty()) {
    rules.push_back(list_rule(RuleType::allow_models, "models", o.allow_models));
  }
  if (!o.allow_providers.empty()) {
    rules.push_back(list_rule(RuleType::allow_providers, "providers", o.allow_providers));
  }
  if (o.free_only || o.paid_only || o.max_input_price || o.max_output_price) {
    Rule pricing;
    pricing.type = RuleType::allow_pricing;
    if (o.free_only || o.paid_only) {
      pricing.pricing_type = o.free_only ? PricingType::free : PricingType::paid;
    }
    if (o.max_input_price) {
      pricing.max_input_price = Price::parse_per_million(*o.max_input_price, "--max-input-price");
    }
    if (o.max_output_price) {
      pricing.max_output_price =
          Price::parse_per_million(*o.max_output_price, "--max-output-price");
    }
    rules.push_back(pricing);
  }
  if (!o.allow_ips.empty()) {
    rules.push_back(list_rule(RuleType::allow_ips, "ips", o.allow_ips));
  }
  if (!o.deny_models.empty()) {
    rules.push_back(list_rule(RuleType::deny_models, "models", o.deny_models));
  }
  if (!o.deny_providers.empty()) {
    rules.push_back(list_rule(RuleType::deny_providers, "providers", o.deny_providers));
  }
  for (auto [flag, type] :
       {std::pair{o.deny_free, PricingType::free}, {o.deny_paid, PricingType::paid}}) {
    if (flag) {
      Rule deny;
      deny.type = RuleType::deny_pricing;
      deny.pricing_type = type;
      rules.push_back(deny);
    }
  }
  if (!o.deny_ips.empty()) {
    rules.push_back(list_rule(RuleType::deny_ips, "ips", o.deny_ips));
  }
  return rules;
}

CreatedKey create_key_with_rules(Context& context, const NewKey& spec,
                                 const std::vector<Rule>& rules, const RuleOptions& options) {
  KeyStore keys(context.store(), context.clock());
  if (rules.empty()) {
    return keys.create(spec);
  }
  Catalog catalog = load_catalog(context.store());
  RuleStore rule_store(context.store(), context.clock());
  return keys.create(spec, [&](const ApiKey& key) {
    rule_store.insert(key.id, rules, catalog, options.force ? Force::yes : Force::no);
  });
}

}  // namespace llmgw::cli
