#include "core/evaluator.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace llmgw {

namespace {

using Mask = std::uint64_t;  // bit i: candidate i (Catalog keeps a model to 64 mappings)
constexpr std::size_t k_types = 6;  // the model rule types, first in RuleType
static_assert(static_cast<std::size_t>(RuleType::deny_pricing) + 1 == k_types);

Mask bit(std::size_t i) {
  return Mask{1} << i;
}

// The candidates before any rule: the model's enabled mappings (of the named provider).
struct Candidates {
  const Model* model = nullptr;
  const Provider* named = nullptr;
  std::size_t count = 0;
  std::array<const Mapping*, Catalog::k_max_mappings> mappings{};
  std::array<const Provider*, Catalog::k_max_mappings> providers{};
  Mask all = 0;
};

// An active rule on the model: the address rules are refusal.h's.
bool is_model_rule(const Rule& rule) {
  return rule.active && !rule.names_networks();
}

bool is_allow(RuleType type) {
  return type == RuleType::allow_models || type == RuleType::allow_providers ||
         type == RuleType::allow_pricing;
}

bool lists(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

bool has_pricing(const Mapping& m, PricingType type) {
  return m.is_free() == (type == PricingType::free);
}

bool accepts(const Rule& rule, const Mapping& m) {
  return (!rule.pricing_type || has_pricing(m, *rule.pricing_type)) &&
         (!rule.max_input_price || m.input <= *rule.max_input_price) &&
         (!rule.max_output_price || m.output <= *rule.max_output_price);
}

template <class Predicate>
Mask select(const Candidates& c, Predicate predicate) {
  Mask mask = 0;
  for (std::size_t i = 0; i < c.count; ++i) {
    if (predicate(i)) {
      mask |= bit(i);
    }
  }
  return mask;
}

// The candidates `rule` speaks about: those an allow rule keeps, those a deny rule drops.
Mask matches(const Rule& rule, const Candidates& c) {
  switch (rule.type) {
    case RuleType::allow_models:
    case RuleType::deny_models:
      return lists(rule.models, c.model->id) ? c.all : 0;
    case RuleType::allow_providers:
    case RuleType::deny_providers:
      return select(c, [&](std::size_t i) { return lists(rule.providers, c.providers[i]->id); });
    case RuleType::allow_pricing:
      return select(c, [&](std::size_t i) { return accepts(rule, *c.mappings[i]); });
    case RuleType::deny_pricing:
      return select(c, [&](std::size_t i) {
        return rule.pricing_type && has_pricing(*c.mappings[i], *rule.pricing_type);
      });
    case RuleType::allow_ips:
    case RuleType::deny_ips:
      break;  // not a model rule
  }
  return 0;
}

std::string price_message(std::string_view which, Price lowest, Price cap) {
  return fmt::format("Model {} price exceeds maximum allowed (${} > ${} per 1M tokens)", which,
                     lowest.to_string(), cap.to_string());
}

// Why an allow_pricing rule keeps none of the candidates.
std::string pricing_reason(const Rule& rule, const Candidates& c) {
  Mask left = c.all;
  if (rule.pricing_type) {
    left =
        select(c, [&](std::size_t i) { return has_pricing(*c.mappings[i], *rule.pricing_type); });
    if (left == 0) {
      return *rule.pricing_type == PricingType::free ? "Only free models are allowed"
                                                     : "Only paid models are allowed";
    }
  }
  auto lowest = [&](Mask mask, Price Mapping::*price) {
    Price low = Price::from_per_token(Price::k_max_per_token);
    for (std::size_t i = 0; i < c.count; ++i) {
      if ((mask & bit(i)) && c.mappings[i]->*price < low) {
        low = c.mappings[i]->*price;
      }
    }
    return low;
  };
  if (rule.max_input_price) {
    Mask within = left & select(c, [&](std::size_t i) {
                    return c.mappings[i]->input <= *rule.max_input_price;
                  });
    if (within == 0) {
      return price_message("input", lowest(left, &Mapping::input), *rule.max_input_price);
    }
    left = within;
  }
  if (rule.max_output_price) {
    return price_message("output", lowest(left, &Mapping::output), *rule.max_output_price);
  }
  return fmt::format("No providers are allowed for model {} due to IAM rules", c.model->id);
}

std::string type_reason(const Rule& first, const Candidates& c) {
  const std::string& model = c.model->id;
  switch (first.type) {
    case RuleType::allow_models:
      return fmt::format("Model {} is not in the allowed models list", model);
    case RuleType::deny_models:
      return fmt::format("Model {} is in the denied models list", model);
    case RuleType::allow_providers:
      return c.named ? fmt::format("Provider {} is not in the allowed providers list", c.named->id)
                     : "None of the model's providers are in the allowed providers list";
    case RuleType::deny_providers:
      return c.named ? fmt::format("Provider {} is in the denied providers list", c.named->id)
                     : "All of the model's providers are in the denied providers list";
    case RuleType::allow_pricing:
      return pricing_reason(first, c);
    case RuleType::deny_pricing:
      return first.pricing_type == PricingType::free ? "Free models are not allowed"
                                                     : "Paid models are not allowed";
    case RuleType::allow_ips:
    case RuleType::deny_ips:
      break;  // not a model rule
  }
  return "";
}

Decision unknown(std::string reason) {
  Decision d;
  d.reason = std::move(reason);
  return d;
}

// The denial, given what each type matched (see evaluator.h for the precedence).
Decision deny(const std::vector<Rule>& rules, const Candidates& c,
              const std::array<Mask, k_types>& matched) {
  auto alone_empties = [&](RuleType t) {
    Mask m = matched[static_cast<std::size_t>(t)];
    return is_allow(t) ? m == 0 : (c.all & ~m) == 0;
  };
  auto responsible = [&](const Rule& rule) { return is_allow(rule.type) || matches(rule, c) != 0; };
  // Rules come in evaluation order, so the first responsible rule of a type that alone
  // empties the candidates picks that type.
  const Rule* first = nullptr;
  for (const Rule& rule : rules) {
    if (is_model_rule(rule) && alone_empties(rule.type) && responsible(rule)) {
      first = &rule;
      break;
    }
  }
  Decision d;
  d.outcome = Decision::Outcome::denied;
  d.model = c.model;
  for (const Rule& rule : rules) {
    if (!is_model_rule(rule)) {
      continue;
    }
    Mask m = matched[static_cast<std::size_t>(rule.type)];
    bool removed_some = is_allow(rule.type) ? (c.all & ~m) != 0 : matches(rule, c) != 0;
    if (first ? rule.type == first->type && responsible(rule) : removed_some) {
      d.rule_ids.push_back(rule.id);
    }
  }
  d.reason =
      first ? type_reason(*first, c)
            : fmt::format("No providers are allowed for model {} due to IAM rules", c.model->id);
  return d;
}

}  // namespace

std::string_view to_string(Decision::Outcome outcome) {
  switch (outcome) {
    case Decision::Outcome::allowed:
      return "allowed";
    case Decision::Outcome::denied:
      return "denied";
    case Decision::Outcome::unknown_model:
      return "unknown_model";
  }
  return "";
}

Decision evaluate(const std::vector<Rule>& rules, const Catalog& catalog,
                  std::string_view requested_model) {
  Candidates c;
  std::string_view model_id = requested_model;
  std::size_t slash = requested_model.find('/');
  if (slash != std::string_view::npos) {
    c.named = catalog.find_provider(requested_model.substr(0, slash));
    if (c.named) {
      model_id = requested_model.substr(slash + 1);
    }
  }
  c.model = catalog.find_model(model_id);
  if (!c.model) {
    return unknown(fmt::format("Model {} is not in the catalog", model_id));
  }
  for (const Mapping& m : c.model->mappings) {
    if (c.named && m.provider != c.named->id) {
      continue;
    }
    const Provider* provider = c.named ? c.named : catalog.find_provider(m.provider);
    if (provider && provider->enabled) {
      c.mappings[c.count] = &m;
      c.providers[c.count] = provider;
      c.all |= bit(c.count++);
    }
  }
  if (c.count == 0) {
    if (c.named && !c.model->find_mapping(c.named->id)) {
      return unknown(fmt::format("Model {} is not served by provider {}", model_id, c.named->id));
    }
    return unknown(c.named ? fmt::format("Provider {} is disabled", c.named->id)
                           : fmt::format("Model {} has no enabled provider", model_id));
  }

  std::array<Mask, k_types> matched{};
  std::array<bool, k_types> present{};
  for (const Rule& rule : rules) {
    if (is_model_rule(rule)) {
      auto t = static_cast<std::size_t>(rule.type);
      present[t] = true;
      matched[t] |= matches(rule, c);
    }
  }
  Mask kept = c.all;
  for (std::size_t t = 0; t < k_types; ++t) {
    if (present[t]) {
      kept &= is_allow(static_cast<RuleType>(t)) ? matched[t] : ~matched[t];
    }
  }
  if (kept == 0) {
    return deny(rules, c, matched);
  }

  // Cheapest first: insertion sort of the few survivors.
  std::array<std::size_t, Catalog::k_max_mappings> order{};
  std::size_t n = 0;
  auto cheaper = [&](std::size_t a, std::size_t b) {
    std::int64_t ca = c.mappings[a]->input.per_token() + c.mappings[a]->output.per_token();
    std::int64_t cb = c.mappings[b]->input.per_token() + c.mappings[b]->output.per_token();
    return ca != cb ? ca < cb : c.providers[a]->id < c.providers[b]->id;
  };
  for (std::size_t i = 0; i < c.count; ++i) {
    if (kept & bit(i)) {
      std::size_t j = n++;
      for (; j > 0 && cheaper(i, order[j - 1]); --j) {
        order[j] = order[j - 1];
      }
      order[j] = i;
    }
  }
  Decision d;
  d.outcome = Decision::Outcome::allowed;
  d.model = c.model;
  d.candidates.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    d.candidates.push_back({c.model, c.mappings[order[k]], c.providers[order[k]]});
  }
  return d;
}

}  // namespace llmgw
