#pragma once
// An IAM rule of a key (README, "Keys and rules"; llmgw-key(1)). Its value is stored as JSON:
//   allow_models, deny_models        {"models": ["gpt-4o", ...]}
//   allow_providers, deny_providers  {"providers": ["openai", ...]}
//   allow_pricing                    {"pricingType": "free"|"paid", "maxInputPrice": N,
//                                     "maxOutputPrice": N}, at least one of the three
//   deny_pricing                     {"pricingType": "free"|"paid"}
//   allow_ips, deny_ips              {"ips": ["203.0.113.0/24", "2001:db8::7", ...]}
// Prices are USD per 1M tokens, read as a JSON number or a decimal string and written as an
// exact decimal string ("0.000001", never 1e-06), like every amount llmgw prints. The field
// names are llmgateway.io's (the spec's), so a value printed by the CLI can be given back to
// `key rule add --value` as it is. Addresses and CIDR blocks are IPv4 or IPv6 (core/address.h),
// stored as Network::to_string writes them. Rules hold the value parsed, so evaluating one parses
// nothing.
#include "core/address.h"
#include "core/price.h"
#include "core/timestamp.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

enum class RuleType {
  allow_models,
  deny_models,
  allow_providers,
  deny_providers,
  allow_pricing,
  deny_pricing,
  allow_ips,
  deny_ips
};
enum class PricingType { free, paid };

std::string_view to_string(RuleType type);
std::string_view to_string(PricingType type);
// Throws Error(invalid) naming the valid types.
RuleType parse_rule_type(std::string_view text);
// The names parse_rule_type takes, in evaluation order.
std::vector<std::string_view> rule_type_names();
PricingType parse_pricing_type(std::string_view text);

struct Rule {
  std::string id;
  std::string key_id;
  RuleType type = RuleType::allow_models;
  std::vector<std::string> models;          // allow_models, deny_models
  std::vector<std::string> providers;       // allow_providers, deny_providers
  std::optional<PricingType> pricing_type;  // allow_pricing (optional), deny_pricing
  std::optional<Price> max_input_price;     // allow_pricing only
  std::optional<Price> max_output_price;    // allow_pricing only
  std::vector<Network> networks;            // allow_ips, deny_ips
  bool active = true;
  Timestamp created_at = 0;

  bool names_models() const {
    return type == RuleType::allow_models || type == RuleType::deny_models;
  }
  bool names_providers() const {
    return type == RuleType::allow_providers || type == RuleType::deny_providers;
  }
  // A rule on the client's address (refusal.h), not on the model (evaluator.h).
  bool names_networks() const {
    return type == RuleType::allow_ips || type == RuleType::deny_ips;
  }
};

// A rule of `type` whose fields come from `value`. Lists keep their first occurrence of
// each name. Throws Error(invalid) "invalid <type> rule value: <why>" for anything but
// the shapes above, including unknown fields and empty lists.
Rule make_rule(RuleType type, const nlohmann::json& value);
// The value as stored and shown, prices as decimal strings; make_rule(rule.type, rule_value(rule)) gives it back.
nlohmann::json rule_value(const Rule& rule);
// {"id", "key_id", "type", "value", "status": "active"|"inactive", "created_at": ISO}.
nlohmann::json to_json(const Rule& rule);

}  // namespace llmgw
