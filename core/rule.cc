#include "core/rule.h"

#include "core/error.h"
#include "core/json_fields.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace llmgw {

namespace {

constexpr RuleType k_rule_types[] = {RuleType::allow_models,    RuleType::deny_models,
                                     RuleType::allow_providers, RuleType::deny_providers,
                                     RuleType::allow_pricing,   RuleType::deny_pricing,
                                     RuleType::allow_ips,       RuleType::deny_ips};

std::vector<std::string> unique(std::vector<std::string> names) {
  std::vector<std::string> out;
  for (std::string& name : names) {
    if (std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(RuleType type) {
  switch (type) {
    case RuleType::allow_models:
      return "allow_models";
    case RuleType::deny_models:
      return "deny_models";
    case RuleType::allow_providers:
      return "allow_providers";
    case RuleType::deny_providers:
      return "deny_providers";
    case RuleType::allow_pricing:
      return "allow_pricing";
    case RuleType::deny_pricing:
      return "deny_pricing";
    case RuleType::allow_ips:
      return "allow_ips";
    case RuleType::deny_ips:
      return "deny_ips";
  }
  return "";
}

std::string_view to_string(PricingType type) {
  return type == PricingType::free ? "free" : "paid";
}

RuleType parse_rule_type(std::string_view text) {
  for (RuleType type : k_rule_types) {
    if (text == to_string(type)) {
      return type;
    }
  }
  throw_invalid(
      fmt::format("invalid rule type '{}': expected allow_models, deny_models, "
                  "allow_providers, deny_providers, allow_pricing, deny_pricing, allow_ips "
                  "or deny_ips",
                  text));
}

std::vector<std::string_view> rule_type_names() {
  std::vector<std::string_view> names;
  for (RuleType type : k_rule_types) {
    names.push_back(to_string(type));
  }
  return names;
}

PricingType parse_pricing_type(std::string_view text) {
  if (text == "free") {
    return PricingType::free;
  }
  if (text == "paid") {
    return PricingType::paid;
  }
  throw_invalid(fmt::format("invalid pricing type '{}': expected free or paid", text));
}

Rule make_rule(RuleType type, const nlohmann::json& value) {
  Rule rule;
  rule.type = type;
  std::string context = fmt::format("invalid {} rule value", to_string(type));
  JsonFields fields(value, context);
  try {
    if (rule.names_models()) {
      rule.models = unique(fields.strings("models"));
    } else if (rule.names_providers()) {
      rule.providers = unique(fields.strings("providers"));
    } else if (rule.names_networks()) {
      for (const std::string& text : fields.strings("ips")) {
        Network network = Network::parse(text);
        if (std::find(rule.networks.begin(), rule.networks.end(), network) == rule.networks.end()) {
          rule.networks.push_back(network);
        }
      }
    } else {
      bool allow = type == RuleType::allow_pricing;
      if (!allow && (fields.has("maxInputPrice") || fields.has("maxOutputPrice"))) {
        throw_invalid(
            "price caps (maxInputPrice, maxOutputPrice) are only allowed on "
            "allow_pricing rules");
      }
      if (!allow || fields.has("pricingType")) {
        rule.pricing_type = parse_pricing_type(fields.string("pricingType"));
      }
      if (allow && fields.has("maxInputPrice")) {
        rule.max_input_price = fields.price("maxInputPrice");
      }
      if (allow && fields.has("maxOutputPrice")) {
        rule.max_output_price = fields.price("maxOutputPrice");
      }
      if (allow && !rule.pricing_type && !rule.max_input_price && !rule.max_output_price) {
        throw_invalid("needs pricingType, maxInputPrice or maxOutputPrice");
      }
    }
    fields.finish();
  } catch (const Error& e) {
    std::string what = e.what();
    throw_invalid(what.rfind(context, 0) == 0 ? what : context + ": " + what);
  }
  return rule;
}

nlohmann::json rule_value(const Rule& rule) {
  if (rule.names_models()) {
    return {{"models", rule.models}};
  }
  if (rule.names_providers()) {
    return {{"providers", rule.providers}};
  }
  if (rule.names_networks()) {
    nlohmann::json ips = nlohmann::json::array();
    for (const Network& network : rule.networks) {
      ips.push_back(network.to_string());
    }
    return {{"ips", ips}};
  }
  nlohmann::json value = nlohmann::json::object();
  if (rule.pricing_type) {
    value["pricingType"] = to_string(*rule.pricing_type);
  }
  if (rule.max_input_price) {
    value["maxInputPrice"] = rule.max_input_price->to_string();
  }
  if (rule.max_output_price) {
    value["maxOutputPrice"] = rule.max_output_price->to_string();
  }
  return value;
}

nlohmann::json to_json(const Rule& rule) {
  return {{"id", rule.id},
          {"key_id", rule.key_id},
          {"type", to_string(rule.type)},
          {"value", rule_value(rule)},
          {"status", rule.active ? "active" : "inactive"},
          {"created_at", format_iso(rule.created_at)}};
}

}  // namespace llmgw
