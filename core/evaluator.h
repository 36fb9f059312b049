#pragma once
// IAM evaluation (README, "Keys and rules"; llmgw-key(1)): which provider mappings of
// the requested model a key's rules let serve a request, or why none may. Pure: no I/O,
// no clock, no locks, so the daemon runs it on every request and /v1/models lists
// exactly what it allows.
//
// 1. The model string is "provider/model" when the part before the first '/' is a provider
//    id of the catalog, else a canonical model id.
// 2. The candidates are the model's mappings whose provider is enabled (only the named
//    provider's, when one is named). No such model, no mapping for the named provider, or
//    no enabled one: Outcome::unknown_model (the gateway answers 400).
// 3. Inactive rules are ignored, and so are the rules on the client's address (allow_ips,
//    deny_ips: core/refusal.h). With no other active rule every candidate is allowed.
// 4. Each rule type present filters the candidates on its own:
//      allow_models     keeps every candidate when some allow_models rule lists the model
//      allow_providers  keeps the candidates whose provider some allow_providers rule lists
//      allow_pricing    keeps the candidates that some allow_pricing rule accepts: its
//                       pricingType (free = all three prices 0) and each cap (price at or
//                       under the cap), per mapping
//      deny_models      drops every candidate when some deny_models rule lists the model
//      deny_providers   drops the candidates whose provider some deny_providers rule lists
//      deny_pricing     drops the free (or paid) candidates
//    So same-type allow rules are unioned, different types must all pass, deny rules always
//    apply. The allowed candidates are what every present type keeps.
//
// Reasons, when no candidate is left (without the "Access denied: " the daemon adds):
// a. When one or more rule types leave nothing on their own, the reason is that of the type
//    whose responsible rules start earliest in rule order, and rule_ids are those rules.
//    Responsible: for an allow type every active rule of that type (they fail together);
//    for a deny type its rules that match (list the model, list a candidate's provider,
//    deny a candidate's pricing). The messages:
//      allow_models     "Model X is not in the allowed models list"
//      deny_models      "Model X is in the denied models list"
//      allow_providers  "Provider P is not in the allowed providers list" (provider named),
//                       else "None of the model's providers are in the allowed providers list"
//      deny_providers   "Provider P is in the denied providers list" (provider named),
//                       else "All of the model's providers are in the denied providers list"
//      allow_pricing    from the first allow_pricing rule: "Only free models are allowed" /
//                       "Only paid models are allowed" when its pricingType matches no
//                       candidate; else "Model input price exceeds maximum allowed ($A > $B
//                       per 1M tokens)" when no candidate of that pricing is within the input
//                       cap (A: their lowest input price); else the output-price twin (A: the
//                       lowest output price among those within the input cap)
//      deny_pricing     from the first responsible rule: "Free models are not allowed" /
//                       "Paid models are not allowed"
// b. Otherwise only the types together leave nothing: "No providers are allowed for model X
//    due to IAM rules", and rule_ids are every active rule that removed a candidate (for an
//    allow type: all its rules, when the type removed any).
// X is the canonical model id; rule_ids are in rule order.
//
// Order of allowed candidates: cheapest first by the cost of 1,000 input plus 1,000 output
// tokens (so by input + output price per token), ties by provider id. Cached-input prices
// do not count: how much of a prompt is cached is unknown before the request.
#include "core/catalog.h"
#include "core/rule.h"

#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

struct Candidate {
  const Model* model = nullptr;
  const Mapping* mapping = nullptr;
  const Provider* provider = nullptr;
};

struct Decision {
  enum class Outcome { allowed, denied, unknown_model };

  Outcome outcome = Outcome::unknown_model;
  const Model* model = nullptr;       // the resolved model; null for an unknown one
  std::vector<Candidate> candidates;  // allowed ones, cheapest first; empty unless allowed
  std::string reason;                 // empty when allowed
  std::vector<std::string> rule_ids;  // the rules behind a denial

  bool allowed() const { return outcome == Outcome::allowed; }
};

std::string_view to_string(Decision::Outcome outcome);  // "allowed", "denied", "unknown_model"

// `rules` in evaluation order ((created_at, id), as RuleStore::list gives them). The
// Decision points into `catalog`, which must outlive it.
Decision evaluate(const std::vector<Rule>& rules, const Catalog& catalog,
                  std::string_view requested_model);

}  // namespace llmgw
