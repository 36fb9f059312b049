#include "core/refusal.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using llmgw::address_refusal;
using llmgw::Rule;

namespace {

Rule ip_rule(const char* id, const char* type, std::vector<std::string> ips, bool active = true) {
  Rule rule = llmgw::make_rule(llmgw::parse_rule_type(type), nlohmann::json{{"ips", ips}});
  rule.id = id;
  rule.active = active;
  return rule;
}

// "403 permission_denied <message> [rule ids]", or "allowed".
std::string outcome(const std::vector<Rule>& rules, const std::string& address) {
  auto refusal = address_refusal(rules, address);
  if (!refusal) {
    return "allowed";
  }
  std::string ids;
  for (const std::string& id : refusal->rule_ids) {
    ids += (ids.empty() ? "" : " ") + id;
  }
  CHECK(refusal->extra["rule_id"] == refusal->rule_ids.front());
  return std::to_string(refusal->status) + " " + refusal->code + " " + refusal->message + " [" +
         ids + "]";
}

}  // namespace

TEST_CASE("address refusal: no address rule allows every client, a known one or not") {
  const Rule models = llmgw::make_rule(llmgw::RuleType::deny_models,
                                       nlohmann::json{{"models", {"o3"}}});
  CHECK(outcome({}, "203.0.113.7") == "allowed");
  CHECK(outcome({models}, "203.0.113.7") == "allowed");
  CHECK(outcome({}, "") == "allowed");
}

TEST_CASE("address refusal: allow_ips rules are unioned, and the address must be in one") {
  const std::vector<Rule> rules = {ip_rule("r1", "allow_ips", {"10.0.0.0/8"}),
                                   ip_rule("r2", "allow_ips", {"203.0.113.0/24", "2001:db8::/32"})};
  CHECK(outcome(rules, "10.255.0.1") == "allowed");
  CHECK(outcome(rules, "203.0.113.7") == "allowed");
  CHECK(outcome(rules, "2001:db8::7") == "allowed");
  CHECK(outcome(rules, "::ffff:203.0.113.9") == "allowed");
  CHECK(outcome(rules, "203.0.114.1") ==
        "403 permission_denied Access denied: Client address 203.0.114.1 is not in the allowed "
        "addresses list [r1 r2]");
  CHECK(outcome(rules, "2001:db9::1") ==
        "403 permission_denied Access denied: Client address 2001:db9::1 is not in the allowed "
        "addresses list [r1 r2]");
  CHECK(outcome(rules, "") ==
        "403 permission_denied Access denied: Client address unknown, and the key has address "
        "rules [r1 r2]");
  // An inactive rule is no rule.
  CHECK(outcome({ip_rule("r3", "allow_ips", {"10.0.0.0/8"}, false)}, "203.0.113.7") == "allowed");
}

TEST_CASE("address refusal: a deny_ips rule that holds the address always refuses") {
  const std::vector<Rule> rules = {ip_rule("r1", "allow_ips", {"10.0.0.0/8"}),
                                   ip_rule("r2", "deny_ips", {"10.9.0.0/16"}),
                                   ip_rule("r3", "deny_ips", {"10.9.9.0/24"})};
  CHECK(outcome(rules, "10.1.1.1") == "allowed");
  CHECK(outcome(rules, "10.9.1.1") ==
        "403 permission_denied Access denied: Client address 10.9.1.1 is in the denied "
        "addresses list [r2]");
  CHECK(outcome(rules, "10.9.9.9") ==
        "403 permission_denied Access denied: Client address 10.9.9.9 is in the denied "
        "addresses list [r2 r3]");
  CHECK(outcome({ip_rule("r1", "deny_ips", {"2001:db8::/32"})}, "2001:db8::1") ==
        "403 permission_denied Access denied: Client address 2001:db8::1 is in the denied "
        "addresses list [r1]");
  // An unknown address cannot be shown to be outside the denied blocks.
  CHECK(outcome({ip_rule("r1", "deny_ips", {"2001:db8::/32"}),
                 ip_rule("r2", "deny_ips", {"10.0.0.0/8"}, false)},
                "") ==
        "403 permission_denied Access denied: Client address unknown, and the key has address "
        "rules [r1]");
}

TEST_CASE("address refusal: when both types refuse, the one whose rule comes first says why") {
  const std::vector<Rule> deny_first = {ip_rule("r1", "deny_ips", {"198.51.100.0/24"}),
                                        ip_rule("r2", "allow_ips", {"10.0.0.0/8"})};
  CHECK(outcome(deny_first, "198.51.100.7") ==
        "403 permission_denied Access denied: Client address 198.51.100.7 is in the denied "
        "addresses list [r1]");
  const std::vector<Rule> allow_first = {ip_rule("r1", "allow_ips", {"10.0.0.0/8"}),
                                         ip_rule("r2", "deny_ips", {"198.51.100.0/24"})};
  CHECK(outcome(allow_first, "198.51.100.7") ==
        "403 permission_denied Access denied: Client address 198.51.100.7 is not in the allowed "
        "addresses list [r1]");
}
