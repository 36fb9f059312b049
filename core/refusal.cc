#include "core/refusal.h"

#include <fmt/format.h>

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

namespace {

// When requests in flight hold part of the budget, the message says so: "used" alone may
// still be under the limit.
std::string in_flight(Money reserved) {
  return reserved > Money() ? fmt::format(", ${} reserved by requests in flight", reserved.to_usd())
                            : std::string();
}

}  // namespace

std::optional<Refusal> budget_refusal(const ApiKey& key, Money usage, Money period_usage,
                                      Money reserved, Timestamp now) {
  if (key.usage_limit && usage + reserved >= *key.usage_limit) {
    return Refusal{402, "budget_exceeded",
                   fmt::format("Usage limit reached: ${} of ${} used{}", usage.to_usd(),
                               key.usage_limit->to_usd(), in_flight(reserved)),
                   {{"limit", key.usage_limit->to_usd()},
                    {"used", usage.to_usd()},
                    {"resets_at", nullptr}}};
  }
  if (key.period_limit && period_usage + reserved >= key.period_limit->amount) {
    const PeriodLimit& p = *key.period_limit;
    std::string resets_at = format_iso(p.window_at(now).end);
    return Refusal{402, "period_budget_exceeded",
                   fmt::format("Period usage limit reached: ${} of ${} per {} used{}; resets at {}",
                               period_usage.to_usd(), p.amount.to_usd(), p.period.to_string(),
                               in_flight(reserved), resets_at),
                   {{"limit", p.amount.to_usd()},
                    {"used", period_usage.to_usd()},
                    {"resets_at", resets_at}}};
  }
  return std::nullopt;
}

}  // namespace llmgw
