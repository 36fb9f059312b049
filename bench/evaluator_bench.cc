// IAM evaluation of a key with 20 active rules against the full built-in catalog: the
// work the daemon does per request, and /v1/models per model. Target: under 2 us each.
#include "core/catalog.h"
#include "core/evaluator.h"
#include "core/rule.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using llmgw::RuleType;

// Twenty rules of every type, the way an operator might pile them up over time: several
// allow lists (unioned), denials, and price caps.
std::vector<llmgw::Rule> twenty_rules() {
  const std::vector<std::pair<RuleType, const char*>> values = {
      {RuleType::allow_models, R"({"models": ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1"]})"},
      {RuleType::allow_models, R"({"models": ["claude-haiku-4-5", "claude-sonnet-5-5"]})"},
      {RuleType::allow_models, R"({"models": ["gemini-2.5-flash-lite", "gemini-3.5-flash"]})"},
      {RuleType::allow_models, R"({"models": ["llama-3.3-70b", "llama-3.1-8b", "gpt-oss-120b",
                                               "gpt-oss-20b", "deepseek-v4-flash"]})"},
      {RuleType::allow_models, R"({"models": ["mistral-small-latest", "codestral-latest",
                                               "echo", "text-embedding-3-small"]})"},
      {RuleType::deny_models, R"({"models": ["gpt-6.2-astra", "claude-opus-5-5"]})"},
      {RuleType::deny_models, R"({"models": ["grok-4.5"]})"},
      {RuleType::deny_models, R"({"models": ["deepseek-v4-pro"]})"},
      {RuleType::allow_providers, R"({"providers": ["openai", "anthropic", "google"]})"},
      {RuleType::allow_providers, R"({"providers": ["openrouter", "together", "groq"]})"},
      {RuleType::allow_providers, R"({"providers": ["ollama", "echo", "mistral", "deepseek"]})"},
      {RuleType::deny_providers, R"({"providers": ["xai"]})"},
      {RuleType::deny_providers, R"({"providers": ["together"]})"},
      {RuleType::deny_providers, R"({"providers": ["groq"]})"},
      {RuleType::allow_pricing, R"({"maxInputPrice": 2.5, "maxOutputPrice": 10})"},
      {RuleType::allow_pricing, R"({"pricingType": "free"})"},
      {RuleType::allow_pricing, R"({"pricingType": "paid", "maxInputPrice": 0.2})"},
      {RuleType::deny_pricing, R"({"pricingType": "free"})"},
      {RuleType::deny_models, R"({"models": ["gpt-4o"]})"},
      {RuleType::allow_models, R"({"models": ["gpt-4o-mini"]})"},
  };
  std::vector<llmgw::Rule> rules;
  for (const auto& [type, value] : values) {
    llmgw::Rule rule = llmgw::make_rule(type, nlohmann::json::parse(value));
    rule.id = "rule_" + std::to_string(rules.size());
    rules.push_back(std::move(rule));
  }
  return rules;
}

void run(benchmark::State& state, const std::vector<std::string>& requests, bool allowed) {
  const llmgw::Catalog& catalog = llmgw::builtin_catalog();
  const std::vector<llmgw::Rule> rules = twenty_rules();
  for (const std::string& model : requests) {
    if (llmgw::evaluate(rules, catalog, model).allowed() != allowed) {
      state.SkipWithError(("unexpected decision for " + model).c_str());
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    llmgw::Decision d = llmgw::evaluate(rules, catalog, requests[i]);
    benchmark::DoNotOptimize(d);
    i = i + 1 == requests.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}

// Allowed: one or more candidates left, sorted.
void allowed_decision(benchmark::State& state) {
  run(state,
      {"gpt-4o-mini", "openrouter/gpt-4o-mini", "llama-3.3-70b", "gpt-oss-120b",
       "deepseek-v4-flash", "gemini-2.5-flash-lite"},
      true);
}

// Denied: the reason and rule ids are built (strings, so allocations).
void denied_decision(benchmark::State& state) {
  run(state,
      {"gpt-4o", "claude-opus-5-5", "grok-4.3", "xai/grok-4.5", "mistral-large-latest",
       "together/llama-3.3-70b"},
      false);
}

// The cheapest case: the model is not in the catalog.
void unknown_model(benchmark::State& state) {
  run(state, {"no-such-model", "openai/no-such-model"}, false);
}

}  // namespace

BENCHMARK(allowed_decision);
BENCHMARK(denied_decision);
BENCHMARK(unknown_model);
BENCHMARK_MAIN();
