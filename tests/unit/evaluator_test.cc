#include "core/evaluator.h"
#include "tests/unit/iam_fixture.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using llmgw::Decision;
using llmgw::Rule;
using llmgw::RuleType;
using test::rule;

namespace {

// A decision as one line: "allowed: gamma beta alpha", "denied r1 r2: <reason>",
// "unknown_model: <reason>".
std::string describe(const Decision& d) {
  std::string out(llmgw::to_string(d.outcome));
  if (d.allowed()) {
    out += ":";
    for (const llmgw::Candidate& c : d.candidates) {
      out += " " + c.provider->id;
    }
    return out;
  }
  for (const std::string& id : d.rule_ids) {
    out += " " + id;
  }
  return out + ": " + d.reason;
}

struct Case {
  const char* what;
  std::vector<Rule> rules;
  const char* model;
  const char* expected;
};

void check_all(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    CAPTURE(c.what);
    CAPTURE(c.model);
    CHECK(describe(llmgw::evaluate(c.rules, test::iam_catalog(), c.model)) == c.expected);
  }
}

constexpr auto allow_models = RuleType::allow_models;
constexpr auto deny_models = RuleType::deny_models;
constexpr auto allow_providers = RuleType::allow_providers;
constexpr auto deny_providers = RuleType::deny_providers;
constexpr auto allow_pricing = RuleType::allow_pricing;
constexpr auto deny_pricing = RuleType::deny_pricing;

}  // namespace

TEST_CASE("iam: models and providers are resolved before any rule") {
  check_all({
      {"no rules keep every enabled candidate, cheapest first",
       {},
       "multi",
       "allowed: gamma beta alpha"},
      {"a named provider leaves its mapping only", {}, "beta/multi", "allowed: beta"},
      {"an unnamed model with one provider", {}, "solo", "allowed: alpha"},
      {"a disabled provider is no candidate", {}, "mixed", "allowed: alpha"},
      {"equal estimates are ordered by provider id", {}, "twin", "allowed: alpha beta"},
      {"unknown model", {}, "nope", "unknown_model: Model nope is not in the catalog"},
      {"unknown model of a named provider",
       {},
       "alpha/nope",
       "unknown_model: Model nope is not in the catalog"},
      {"a prefix that is no provider is part of the model id",
       {},
       "zeta/solo",
       "unknown_model: Model zeta/solo is not in the catalog"},
      {"named provider not serving the model",
       {},
       "alpha/cheap",
       "unknown_model: Model cheap is not served by provider alpha"},
      {"named provider disabled", {}, "off/dark", "unknown_model: Provider off is disabled"},
      {"every provider disabled", {}, "dark", "unknown_model: Model dark has no enabled provider"},
      {"inactive rules are ignored",
       {rule("r1", allow_models, R"({"models": ["solo"]})", false),
        rule("r2", deny_pricing, R"({"pricingType": "free"})", false)},
       "multi",
       "allowed: gamma beta alpha"},
  });
}

TEST_CASE("iam: allow_models and deny_models") {
  check_all({
      {"listed model",
       {rule("r1", allow_models, R"({"models": ["solo"]})")},
       "solo",
       "allowed: alpha"},
      {"unlisted model",
       {rule("r1", allow_models, R"({"models": ["solo"]})")},
       "multi",
       "denied r1: Model multi is not in the allowed models list"},
      {"unlisted model with a named provider",
       {rule("r1", allow_models, R"({"models": ["solo"]})")},
       "beta/multi",
       "denied r1: Model multi is not in the allowed models list"},
      {"two allow_models rules are unioned",
       {rule("r1", allow_models, R"({"models": ["solo"]})"),
        rule("r2", allow_models, R"({"models": ["cheap"]})")},
       "cheap",
       "allowed: beta"},
      {"the union fails together",
       {rule("r1", allow_models, R"({"models": ["solo"]})"),
        rule("r2", allow_models, R"({"models": ["cheap"]})")},
       "multi",
       "denied r1 r2: Model multi is not in the allowed models list"},
      {"denied model",
       {rule("r1", deny_models, R"({"models": ["multi", "solo"]})")},
       "multi",
       "denied r1: Model multi is in the denied models list"},
      {"model not denied",
       {rule("r1", deny_models, R"({"models": ["solo"]})")},
       "multi",
       "allowed: gamma beta alpha"},
      {"every deny rule listing the model is named",
       {rule("r1", deny_models, R"({"models": ["multi"]})"),
        rule("r2", deny_models, R"({"models": ["solo"]})"),
        rule("r3", deny_models, R"({"models": ["multi"]})")},
       "multi",
       "denied r1 r3: Model multi is in the denied models list"},
      {"deny wins over allow of the same model",
       {rule("r1", allow_models, R"({"models": ["multi"]})"),
        rule("r2", deny_models, R"({"models": ["multi"]})")},
       "multi",
       "denied r2: Model multi is in the denied models list"},
  });
}

TEST_CASE("iam: rules on the client's address take no part in the model's evaluation") {
  check_all({
      {"an allow_ips rule alone allows every model",
       {rule("r1", RuleType::allow_ips, R"({"ips": ["10.0.0.0/8"]})")},
       "multi",
       "allowed: gamma beta alpha"},
      {"nor do they join a denial's rules",
       {rule("r1", RuleType::deny_ips, R"({"ips": ["10.0.0.0/8"]})"),
        rule("r2", allow_models, R"({"models": ["solo"]})"),
        rule("r3", RuleType::allow_ips, R"({"ips": ["::/0"]})")},
       "multi",
       "denied r2: Model multi is not in the allowed models list"},
  });
}

TEST_CASE("iam: allow_providers and deny_providers") {
  check_all({
      {"leaves one of three",
       {rule("r1", allow_providers, R"({"providers": ["beta"]})")},
       "multi",
       "allowed: beta"},
      {"leaves all",
       {rule("r1", allow_providers, R"({"providers": ["gamma", "beta", "alpha"]})")},
       "multi",
       "allowed: gamma beta alpha"},
      {"leaves none, unnamed",
       {rule("r1", allow_providers, R"({"providers": ["beta"]})")},
       "solo",
       "denied r1: None of the model's providers are in the allowed providers list"},
      {"leaves none, named",
       {rule("r1", allow_providers, R"({"providers": ["beta"]})")},
       "alpha/multi",
       "denied r1: Provider alpha is not in the allowed providers list"},
      {"two allow_providers rules are unioned",
       {rule("r1", allow_providers, R"({"providers": ["alpha"]})"),
        rule("r2", allow_providers, R"({"providers": ["gamma"]})")},
       "multi",
       "allowed: gamma alpha"},
      {"a disabled provider stays out even when allowed",
       {rule("r1", allow_providers, R"({"providers": ["off", "alpha"]})")},
       "mixed",
       "allowed: alpha"},
      {"deny removes one",
       {rule("r1", deny_providers, R"({"providers": ["alpha"]})")},
       "multi",
       "allowed: gamma beta"},
      {"deny removes the only one, unnamed",
       {rule("r1", deny_providers, R"({"providers": ["alpha"]})")},
       "solo",
       "denied r1: All of the model's providers are in the denied providers list"},
      {"deny of the named provider",
       {rule("r1", deny_providers, R"({"providers": ["beta"]})")},
       "beta/multi",
       "denied r1: Provider beta is in the denied providers list"},
      {"deny of another provider than the named one",
       {rule("r1", deny_providers, R"({"providers": ["alpha"]})")},
       "beta/multi",
       "allowed: beta"},
      {"deny rules together remove all, each matching rule is named",
       {rule("r1", deny_providers, R"({"providers": ["alpha"]})"),
        rule("r2", deny_providers, R"({"providers": ["beta"]})"),
        rule("r3", deny_providers, R"({"providers": ["off"]})"),
        rule("r4", deny_providers, R"({"providers": ["gamma"]})")},
       "multi",
       "denied r1 r2 r4: All of the model's providers are in the denied providers list"},
  });
}

TEST_CASE("iam: allow_pricing and deny_pricing work per mapping") {
  check_all({
      {"free only keeps the free mapping",
       {rule("r1", allow_pricing, R"({"pricingType": "free"})")},
       "multi",
       "allowed: gamma"},
      {"free only on a paid model",
       {rule("r1", allow_pricing, R"({"pricingType": "free"})")},
       "solo",
       "denied r1: Only free models are allowed"},
      {"a cached-input price alone makes a mapping paid",
       {rule("r1", allow_pricing, R"({"pricingType": "free"})")},
       "half",
       "allowed: alpha"},
      {"paid only keeps the paid mappings",
       {rule("r1", allow_pricing, R"({"pricingType": "paid"})")},
       "multi",
       "allowed: beta alpha"},
      {"paid only on a named free mapping",
       {rule("r1", allow_pricing, R"({"pricingType": "paid"})")},
       "gamma/multi",
       "denied r1: Only paid models are allowed"},
      {"deny free removes the free mapping",
       {rule("r1", deny_pricing, R"({"pricingType": "free"})")},
       "multi",
       "allowed: beta alpha"},
      {"deny free on a named free mapping",
       {rule("r1", deny_pricing, R"({"pricingType": "free"})")},
       "gamma/multi",
       "denied r1: Free models are not allowed"},
      {"deny paid keeps the free mapping",
       {rule("r1", deny_pricing, R"({"pricingType": "paid"})")},
       "multi",
       "allowed: gamma"},
      {"deny paid on a paid model",
       {rule("r1", deny_pricing, R"({"pricingType": "paid"})")},
       "solo",
       "denied r1: Paid models are not allowed"},
      {"deny free and deny paid: the first rule's reason, both rules",
       {rule("r1", deny_pricing, R"({"pricingType": "free"})"),
        rule("r2", deny_pricing, R"({"pricingType": "paid"})")},
       "multi",
       "denied r1 r2: Free models are not allowed"},
      {"deny free and deny paid on a paid model: only the matching rule",
       {rule("r1", deny_pricing, R"({"pricingType": "free"})"),
        rule("r2", deny_pricing, R"({"pricingType": "paid"})")},
       "solo",
       "denied r2: Paid models are not allowed"},
  });
}

TEST_CASE("iam: price caps keep mappings at or under the cap") {
  check_all({
      {"input cap at the price",
       {rule("r1", allow_pricing, R"({"maxInputPrice": 1})")},
       "solo",
       "allowed: alpha"},
      {"input cap under the price",
       {rule("r1", allow_pricing, R"({"maxInputPrice": 0.5})")},
       "solo",
       "denied r1: Model input price exceeds maximum allowed ($1 > $0.5 per 1M tokens)"},
      {"input cap over the price",
       {rule("r1", allow_pricing, R"({"maxInputPrice": "1.000001"})")},
       "solo",
       "allowed: alpha"},
      {"input cap leaves the mappings at or under it",
       {rule("r1", allow_pricing, R"({"maxInputPrice": 1})")},
       "multi",
       "allowed: gamma beta"},
      {"input cap a millionth under a price",
       {rule("r1", allow_pricing, R"({"maxInputPrice": 0.999999})")},
       "beta/multi",
       "denied r1: Model input price exceeds maximum allowed ($1 > $0.999999 per 1M tokens)"},
      {"output cap at the price",
       {rule("r1", allow_pricing, R"({"maxOutputPrice": 2})")},
       "solo",
       "allowed: alpha"},
      {"output cap under the price",
       {rule("r1", allow_pricing, R"({"maxOutputPrice": 1.5})")},
       "solo",
       "denied r1: Model output price exceeds maximum allowed ($2 > $1.5 per 1M tokens)"},
      {"both caps: input fails first",
       {rule("r1", allow_pricing, R"({"maxInputPrice": 0.5, "maxOutputPrice": 1})")},
       "solo",
       "denied r1: Model input price exceeds maximum allowed ($1 > $0.5 per 1M tokens)"},
      {"both caps: the output of those within the input cap",
       {rule("r1", allow_pricing, R"({"maxInputPrice": 2, "maxOutputPrice": 1})")},
       "solo",
       "denied r1: Model output price exceeds maximum allowed ($2 > $1 per 1M tokens)"},
      {"paid with a cap: the lowest paid input price is shown",
       {rule("r1", allow_pricing, R"({"pricingType": "paid", "maxInputPrice": 0.5})")},
       "multi",
       "denied r1: Model input price exceeds maximum allowed ($1 > $0.5 per 1M tokens)"},
      {"allow_pricing rules are unioned",
       {rule("r1", allow_pricing, R"({"pricingType": "free"})"),
        rule("r2", allow_pricing, R"({"maxInputPrice": 1})")},
       "solo",
       "allowed: alpha"},
      {"the union fails together: the first rule's reason, all rules",
       {rule("r1", allow_pricing, R"({"pricingType": "free"})"),
        rule("r2", allow_pricing, R"({"maxInputPrice": 0.5})")},
       "solo",
       "denied r1 r2: Only free models are allowed"},
  });
}

TEST_CASE("iam: different rule types must all pass") {
  check_all({
      {"models and providers",
       {rule("r1", allow_models, R"({"models": ["multi"]})"),
        rule("r2", allow_providers, R"({"providers": ["beta", "alpha"]})")},
       "multi",
       "allowed: beta alpha"},
      {"providers and pricing leave one",
       {rule("r1", allow_providers, R"({"providers": ["alpha", "beta"]})"),
        rule("r2", allow_pricing, R"({"maxOutputPrice": 2})")},
       "multi",
       "allowed: beta"},
      {"neither alone denies, together nothing is left",
       {rule("r1", allow_providers, R"({"providers": ["alpha"]})"),
        rule("r2", deny_models, R"({"models": ["solo"]})"),
        rule("r3", allow_pricing, R"({"pricingType": "free"})")},
       "multi",
       "denied r1 r3: No providers are allowed for model multi due to IAM rules"},
      {"a deny and an allow type together",
       {rule("r1", deny_providers, R"({"providers": ["gamma", "off"]})"),
        rule("r2", allow_pricing, R"({"pricingType": "free"})")},
       "multi",
       "denied r1 r2: No providers are allowed for model multi due to IAM rules"},
      {"an earlier rule that alone denies wins",
       {rule("r1", allow_pricing, R"({"pricingType": "free"})"),
        rule("r2", deny_models, R"({"models": ["solo"]})")},
       "solo",
       "denied r1: Only free models are allowed"},
      {"in the other order, the other reason",
       {rule("r1", deny_models, R"({"models": ["solo"]})"),
        rule("r2", allow_pricing, R"({"pricingType": "free"})")},
       "solo",
       "denied r1: Model solo is in the denied models list"},
      {"a deny rule that matches nothing does not take precedence",
       {rule("r1", deny_models, R"({"models": ["solo"]})"),
        rule("r2", allow_models, R"({"models": ["solo"]})")},
       "multi",
       "denied r2: Model multi is not in the allowed models list"},
      {"an inactive rule takes no part",
       {rule("r1", deny_models, R"({"models": ["multi"]})", false),
        rule("r2", allow_providers, R"({"providers": ["beta"]})")},
       "multi",
       "allowed: beta"},
  });
}

TEST_CASE("iam: candidates point into the catalog") {
  const llmgw::Catalog& catalog = test::iam_catalog();
  Decision d = llmgw::evaluate({}, catalog, "beta/multi");
  REQUIRE(d.candidates.size() == 1);
  CHECK(d.model == catalog.find_model("multi"));
  CHECK(d.candidates[0].model == d.model);
  CHECK(d.candidates[0].provider == catalog.find_provider("beta"));
  CHECK(d.candidates[0].mapping == d.model->find_mapping("beta"));
  CHECK(d.reason.empty());
  CHECK(d.rule_ids.empty());
}
