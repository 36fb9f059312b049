#include "core/rule.h"
#include "tests/support/thrown.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using llmgw::make_rule;
using llmgw::parse_rule_type;
using llmgw::rule_value;
using llmgw::RuleType;
using nlohmann::json;

namespace {

std::optional<test::Thrown> refusal(const char* type, const char* value) {
  return test::thrown_by([&] { make_rule(parse_rule_type(type), json::parse(value)); });
}

}  // namespace

TEST_CASE("rule: every value shape reads and writes back the same") {
  struct Row {
    const char* type;
    const char* value;
    const char* stored;
  };
  for (const Row& r : {
           Row{"allow_models", R"({"models": ["gpt-4o", "o3"]})", R"({"models":["gpt-4o","o3"]})"},
           Row{"deny_models", R"({"models": ["a", "b", "a"]})", R"({"models":["a","b"]})"},
           Row{"allow_providers", R"({"providers": ["openai"]})", R"({"providers":["openai"]})"},
           Row{"deny_providers", R"({"providers": ["x", "y"]})", R"({"providers":["x","y"]})"},
           Row{"allow_pricing", R"({"pricingType": "free"})", R"({"pricingType":"free"})"},
           Row{"allow_pricing", R"({"maxInputPrice": 2.5, "maxOutputPrice": "10"})",
               R"({"maxInputPrice":"2.5","maxOutputPrice":"10"})"},
           Row{"allow_pricing", R"({"pricingType": "paid", "maxInputPrice": 0.000001})",
               R"({"maxInputPrice":"0.000001","pricingType":"paid"})"},
           Row{"deny_pricing", R"({"pricingType": "paid"})", R"({"pricingType":"paid"})"},
           // Networks are stored canonically, once each.
           Row{"allow_ips", R"({"ips": ["203.0.113.7", "10.0.0.0/8", "::ffff:203.0.113.7"]})",
               R"({"ips":["203.0.113.7/32","10.0.0.0/8"]})"},
           Row{"deny_ips", R"({"ips": ["2001:DB8::/32", "::1"]})",
               R"({"ips":["2001:db8::/32","::1/128"]})"},
       }) {
    CAPTURE(r.value);
    llmgw::Rule rule = make_rule(parse_rule_type(r.type), json::parse(r.value));
    CHECK(llmgw::to_string(rule.type) == r.type);
    CHECK(rule_value(rule).dump() == r.stored);
    CHECK(rule_value(make_rule(rule.type, rule_value(rule))) == rule_value(rule));
  }
}

TEST_CASE("rule: parsed fields") {
  llmgw::Rule rule = make_rule(RuleType::allow_pricing,
                               json::parse(R"({"pricingType": "free", "maxOutputPrice": 1.5})"));
  CHECK(rule.pricing_type == llmgw::PricingType::free);
  CHECK_FALSE(rule.max_input_price.has_value());
  CHECK(rule.max_output_price == llmgw::Price::parse_per_million("1.5", "p"));
  CHECK(rule.active);
}

TEST_CASE("rule: bad values are refused with a reason") {
  CHECK(refusal("allow_models", R"({"models": []})") ==
        test::invalid(R"(invalid allow_models rule value: "models" must not be empty)"));
  CHECK(refusal("allow_models", R"({"providers": ["openai"]})") ==
        test::invalid(R"(invalid allow_models rule value: "models" is missing)"));
  CHECK(refusal("deny_models", R"({"models": ["a", 3]})") ==
        test::invalid(
            R"(invalid deny_models rule value: "models" must be a list of non-empty strings)"));
  CHECK(refusal("allow_providers", R"({"providers": ["a"], "extra": 1})") ==
        test::invalid(R"(invalid allow_providers rule value: unknown field "extra")"));
  CHECK(refusal("deny_providers", R"(["openai"])") ==
        test::invalid("invalid deny_providers rule value: expected a JSON object, got array"));
  CHECK(refusal("allow_pricing", R"({})") ==
        test::invalid("invalid allow_pricing rule value: needs pricingType, maxInputPrice or "
                      "maxOutputPrice"));
  CHECK(refusal("allow_pricing", R"({"pricingType": "cheap"})") ==
        test::invalid("invalid allow_pricing rule value: invalid pricing type 'cheap': expected "
                      "free or paid"));
  CHECK(refusal("allow_pricing", R"({"maxInputPrice": -1})") ==
        test::invalid("invalid allow_pricing rule value: invalid maxInputPrice '-1': must not be "
                      "negative"));
  CHECK(refusal("deny_pricing", R"({"pricingType": "free", "maxInputPrice": 1})") ==
        test::invalid("invalid deny_pricing rule value: price caps (maxInputPrice, "
                      "maxOutputPrice) are only allowed on allow_pricing rules"));
  CHECK(refusal("deny_pricing", R"({})") ==
        test::invalid(R"(invalid deny_pricing rule value: "pricingType" is missing)"));
  CHECK(refusal("allow_ips", R"({"ips": []})") ==
        test::invalid(R"(invalid allow_ips rule value: "ips" must not be empty)"));
  CHECK(refusal("deny_ips", R"({"ips": ["10.1.2.3/8"]})") ==
        test::invalid("invalid deny_ips rule value: invalid network '10.1.2.3/8': bits are set "
                      "after the /8 prefix (did you mean 10.0.0.0/8?)"));
  CHECK(refusal("allow_ips", R"({"ips": ["localhost"]})") ==
        test::invalid("invalid allow_ips rule value: invalid network 'localhost': expected an "
                      "IPv4 or IPv6 address or CIDR block, such as 203.0.113.0/24 or "
                      "2001:db8::/32"));
  CHECK(test::thrown_by([] { parse_rule_type("allow_model"); }) ==
        test::invalid("invalid rule type 'allow_model': expected allow_models, deny_models, "
                      "allow_providers, deny_providers, allow_pricing, deny_pricing, allow_ips or "
                      "deny_ips"));
}

TEST_CASE("rule: the JSON document of a rule") {
  llmgw::Rule rule = make_rule(RuleType::deny_models, json::parse(R"({"models": ["o3"]})"));
  rule.id = "rule_aaaaaaaaaaaa";
  rule.key_id = "key_bbbbbbbbbbbb";
  rule.active = false;
  rule.created_at = 1'000;
  CHECK(llmgw::to_json(rule) == json::parse(R"({"id": "rule_aaaaaaaaaaaa",
    "key_id": "key_bbbbbbbbbbbb", "type": "deny_models", "value": {"models": ["o3"]},
    "status": "inactive", "created_at": "1970-01-01T00:00:01Z"})"));
}
