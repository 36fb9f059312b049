#include "core/refusal.h"

#include <fmt/format.h>

#include <algorithm>

namespace llmgw {

std::optional<Refusal> status_refusal(const ApiKey& key, Timestamp now) {
  switch (key.status) {
    case KeyStatus::deleted:
      return Refusal{401, "key_deleted", "API key has been deleted"};
    case KeyStatus::disabled:
      return Refusal{401, "key_disabled", "API key is disabled"};
    case KeyStatus::active:
      break;
  }
  if (key.expired_at(now)) {
    return Refusal{401, "key_expired", "API key expired at " + format_iso(*key.expires_at)};
  }
  return std::nullopt;
}

std::optional<Refusal> address_refusal(const std::vector<Rule>& rules,
                                       const std::string& client_address) {
  auto is_address_rule = [](const Rule& rule) { return rule.active && rule.names_networks(); };
  if (std::none_of(rules.begin(), rules.end(), is_address_rule)) {
    return std::nullopt;  // the common case: nothing to parse
  }
  const std::optional<IpAddress> address = IpAddress::parse(client_address);
  if (!address) {
    // Nothing can be said for it: every address rule refuses.
    Refusal refusal{403, "permission_denied",
                    "Access denied: Client address unknown, and the key has address rules"};
    for (const Rule& rule : rules) {
      if (is_address_rule(rule)) {
        refusal.rule_ids.push_back(rule.id);
      }
    }
    refusal.extra["rule_id"] = refusal.rule_ids.front();
    return refusal;
  }
  auto holds = [&](const Rule& rule) {
    return std::any_of(rule.networks.begin(), rule.networks.end(),
                       [&](const Network& n) { return n.contains(*address); });
  };
  std::vector<const Rule*> allows;
  std::vector<const Rule*> denials;
  bool allowed = false;
  for (const Rule& rule : rules) {
    if (rule.active && rule.type == RuleType::allow_ips) {
      allows.push_back(&rule);
      allowed = allowed || holds(rule);
    } else if (rule.active && rule.type == RuleType::deny_ips && holds(rule)) {
      denials.push_back(&rule);
    }
  }
  if (allowed) {
    allows.clear();  // no allow_ips rule refuses
  }
  if (!allows.empty() && !denials.empty()) {
    // Both refuse: the type whose first responsible rule comes first (both point into
    // `rules`, so their order is the rules').
    (allows.front() < denials.front() ? denials : allows).clear();
  }
  const std::vector<const Rule*>& responsible = allows.empty() ? denials : allows;
  if (responsible.empty()) {
    return std::nullopt;
  }
  Refusal refusal{403, "permission_denied",
                  fmt::format("Access denied: Client address {} is {} the {} addresses list",
                              address->to_string(),
                              allows.empty() ? "in" : "not in",
                              allows.empty() ? "denied" : "allowed")};
  for (const Rule* rule : responsible) {
    refusal.rule_ids.push_back(rule->id);
  }
  refusal.extra["rule_id"] = refusal.rule_ids.front();
  return refusal;
}

namespace {

// When requests in flight hold part of the budget, the message says so: "used" alone may
// still be under the limit.
std::string in_flight(Money reserved) {
  return reserved > Money() ? fmt::format(", ${} reserved by requests in flight", reserved.to_usd())
                            : std::string();
}

// The 402 of the lifetime budget; `held` says what holds the rest of the room, if anything.
Refusal lifetime_refusal(const ApiKey& key, Money usage, const std::string& held) {
  return Refusal{402, "budget_exceeded",
                 fmt::format("Usage limit reached: ${} of ${} used{}", usage.to_usd(),
                             key.usage_limit->to_usd(), held),
                 {{"limit", key.usage_limit->to_usd()},
                  {"used", usage.to_usd()},
                  {"resets_at", nullptr}}};
}

// The 402 of the period budget of the window containing `now`.
Refusal period_refusal(const ApiKey& key, Money period_usage, const std::string& held,
                       Timestamp now) {
  const PeriodLimit& p = *key.period_limit;
  std::string resets_at = format_iso(p.window_at(now).end);
  return Refusal{402, "period_budget_exceeded",
                 fmt::format("Period usage limit reached: ${} of ${} per {} used{}; resets at {}",
                             period_usage.to_usd(), p.amount.to_usd(), p.period.to_string(),
                             held, resets_at),
                 {{"limit", p.amount.to_usd()},
                  {"used", period_usage.to_usd()},
                  {"resets_at", resets_at}}};
}

// What a capped reservation in flight holds, after the requests in flight.
std::string held_for_capped(Money reserved) {
  return in_flight(reserved) + ", the rest held for one whose reservation was capped";
}

}  // namespace

std::optional<Refusal> budget_refusal(const ApiKey& key, Money usage, Money period_usage,
                                      Money reserved, Timestamp now) {
  if (key.usage_limit && usage + reserved >= *key.usage_limit) {
    return lifetime_refusal(key, usage, in_flight(reserved));
  }
  if (key.period_limit && period_usage + reserved >= key.period_limit->amount) {
    return period_refusal(key, period_usage, in_flight(reserved), now);
  }
  return std::nullopt;
}

std::optional<Refusal> capped_refusal(const ApiKey& key, Money usage, Money period_usage,
                                      Money reserved, Money estimate, Timestamp now) {
  // Differences, not sums: an estimate may be near the largest amount.
  if (key.usage_limit && estimate > *key.usage_limit - usage - reserved) {
    return lifetime_refusal(key, usage, held_for_capped(reserved));
  }
  if (key.period_limit && estimate > key.period_limit->amount - period_usage - reserved) {
    return period_refusal(key, period_usage, held_for_capped(reserved), now);
  }
  return std::nullopt;
}

}  // namespace llmgw
