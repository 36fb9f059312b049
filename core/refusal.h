#pragma once
// Why a key refuses a request before IAM is asked: its status and expiry (401), its rules
// on the client's address (403), then its spent budgets (402). One place for these, so
// the gateway and `llmgw key check` say the same thing in the same words.
#include "core/api_key.h"
#include "core/rule.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace llmgw {

struct Refusal {
  int status = 0;        // the HTTP status the gateway answers
  std::string code;      // stable: key_disabled, key_deleted, key_expired, budget_exceeded,
                         // period_budget_exceeded, permission_denied
  std::string message;
  nlohmann::json extra = nlohmann::json::object();  // 402: limit, used, resets_at; 403: rule_id
  std::vector<std::string> rule_ids = {};           // 403: the rules behind it, in rule order
};

// A deleted, disabled or expired key; nothing for an active, unexpired one.
std::optional<Refusal> status_refusal(const ApiKey& key, Timestamp now);

// The client's address (IpAddress::to_string's text; "" when unknown) refused by the
// active allow_ips and deny_ips of `rules` (in evaluation order), which work as the model
// rules do (core/evaluator.h): when there are allow_ips rules, the address must be in one
// of them (same-type allows are unioned), and a deny_ips rule that holds it always
// refuses. The reason is that of the type whose responsible rules start earliest (every
// allow_ips rule when none holds the address; the deny_ips rules that hold it):
// "Access denied: Client address 203.0.113.7 is not in the allowed addresses list", or
// "... is in the denied addresses list". An unknown address (the client's connection is
// not an IP one) is refused by any address rule: "Access denied: Client address unknown,
// and the key has address rules", every active address rule named.
std::optional<Refusal> address_refusal(const std::vector<Rule>& rules,
                                       const std::string& client_address);

// A lifetime or period budget with nothing left: `usage` and `period_usage` (of the window
// containing `now`) as committed, plus `reserved` by requests in flight, at or over the
// limit. Nothing when both budgets have room (or there are none).
std::optional<Refusal> budget_refusal(const ApiKey& key, Money usage, Money period_usage,
                                      Money reserved, Timestamp now);

// A request that may cost `estimate`, more than what remains of the lifetime or the
// period budget (`limit - usage - reserved`), while another request of the key holds a
// reservation capped at what remained: refused like a spent budget (same code and
// fields, the budget whose room is too small, lifetime first), since what remains is
// held for that request, which may cost up to its whole estimate. Nothing when
// `estimate` fits both budgets.
std::optional<Refusal> capped_refusal(const ApiKey& key, Money usage, Money period_usage,
                                      Money reserved, Money estimate, Timestamp now);

}  // namespace llmgw
