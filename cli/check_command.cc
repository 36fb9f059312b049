// `llmgw key check <key-id> --model M [--ip ADDR]`: what the gateway would do with a
// request of this key for this model (from this client address), in its order: the key's
// status and expiry, its address rules (with --ip), its limits, then IAM.
// Exit 0 when allowed, 5 when denied, so CI can test a key's policy before it ships and
// tell a denial from a failure (1 I/O, 2 usage, 3 not found).
// The key's traffic limits are shown, not checked: the gateway counts rates in its memory,
// which the CLI does not see.
#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/guard.h"
#include "cli/help_examples.h"
#include "cli/output.h"
#include "core/catalog.h"
#include "core/catalog_json.h"
#include "core/error.h"
#include "core/wire/endpoint_service.h"
#include "core/evaluator.h"
#include "core/key_store.h"
#include "core/refusal.h"
#include "core/rule_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <optional>

namespace llmgw::cli {

namespace {

constexpr int k_exit_denied = 5;

// Why the key itself refuses every request (from `ip`, when given), in the gateway's order
// and words; nothing when it does not.
std::optional<Refusal> key_refusal(const ApiKey& key, const std::vector<Rule>& rules,
                                   const std::optional<std::string>& ip, Timestamp now) {
  if (auto refusal = status_refusal(key, now)) {
    return refusal;
  }
  if (ip) {
    if (auto refusal = address_refusal(rules, *ip)) {
      return refusal;
    }
  }
  Money period_usage = key.period_limit ? key.period_limit->usage_at(now) : Money();
  return budget_refusal(key, key.usage, period_usage, Money(), now);
}

int status_of(Decision::Outcome outcome) {
  switch (outcome) {
    case Decision::Outcome::allowed:
      return 200;
    case Decision::Outcome::denied:
      return 403;
    case Decision::Outcome::unknown_model:
      return 400;
  }
  return 500;
}

nlohmann::json candidate_json(const Candidate& c) {
  nlohmann::json out = to_json(*c.mapping);
  out.erase("context_size");
  out.erase("max_output_tokens");
  out.erase("streaming");
  out["endpoints"] = endpoints_json(*c.provider);
  return out;
}

// "/v1/chat/completions, /v1/messages (translated), ...": what reaches the provider.
std::string endpoints_text(const Provider& provider) {
  std::vector<std::string> served;
  const nlohmann::ordered_json endpoints = endpoints_json(provider);
  for (const auto& [path, how] : endpoints.items()) {
    served.push_back(how == "native" ? path : path + " (translated)");
  }
  return fmt::format("{}", fmt::join(served, ", "));
}

void print_check(Context& context, const ApiKey& key, Timestamp now, const std::string& model,
                 const std::string& decision, int status, const std::string& reason,
                 const Decision& iam) {
  const Candidate* chosen = iam.candidates.empty() ? nullptr : &iam.candidates.front();
  if (context.format() == Format::json) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const Candidate& c : iam.candidates) {
      candidates.push_back(candidate_json(c));
    }
    auto or_null = [](const std::string& s) {
      return s.empty() ? nlohmann::json() : nlohmann::json(s);
    };
    print_json(context, {{"key_id", key.id},
                {"model", model},
                {"decision", decision},
                {"status", status},
                {"reason", or_null(reason)},
                {"rule_ids", iam.rule_ids},
                {"provider", chosen ? nlohmann::json(chosen->provider->id) : nlohmann::json()},
                {"upstream_model",
                 chosen ? nlohmann::json(chosen->mapping->upstream_model) : nlohmann::json()},
                {"candidates", std::move(candidates)},
                {"traffic_limits", to_json(key, now).at("traffic_limits")}});
    return;
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"decision", fmt::format("{} (HTTP {})", decision, status)}, {"model", model}};
  if (!reason.empty()) {
    fields.emplace_back("reason", reason);
  }
  if (!iam.rule_ids.empty()) {
    fields.emplace_back("rules", fmt::format("{}", fmt::join(iam.rule_ids, ", ")));
  }
  if (chosen) {
    fields.emplace_back("provider", chosen->provider->id);
    fields.emplace_back("upstream model", chosen->mapping->upstream_model);
    fields.emplace_back("endpoints", endpoints_text(*chosen->provider));
    std::vector<std::string> fallbacks;
    for (std::size_t i = 1; i < iam.candidates.size(); ++i) {
      fallbacks.push_back(iam.candidates[i].provider->id);
    }
    fields.emplace_back("fallbacks",
                        fallbacks.empty() ? "-" : fmt::format("{}", fmt::join(fallbacks, ", ")));
  }
  if (key.traffic.any()) {
    fields.emplace_back("traffic limits", traffic_text(key.traffic));
  }
  std::fputs(render_fields(fields).c_str(), stdout);
}

}  // namespace

void add_check_command(CLI::App* key, Context& context) {
  struct Options {
    std::string key_id;
    std::string model;
    std::optional<std::string> ip;
  };
  auto o = std::make_shared<Options>();
  auto* check = key->add_subcommand(
      "check", "dry run: would the gateway serve this key this model, and from which provider");
  complete_with(
      refuse_key_secrets(check->add_option("key-id", o->key_id, "key id (key_...)")->required()),
      ValueSource::key_ids);
  complete_with(check
                    ->add_option("-m,--model", o->model,
                                 "model as a client sends it: gpt-4o or openai/gpt-4o")
                    ->required(),
                ValueSource::model_ids);
  check->add_option_function<std::string>(
      "--ip", [o](const std::string& v) { o->ip = v; },
      "the client's address, for the key's allow_ips and deny_ips rules (unchecked without it)");
  set_examples(check, {"llmgw key check key_... --model gpt-4o",
                       "llmgw key check key_... --model gpt-4o --ip 10.0.0.7 || echo denied",
                       "llmgw --json key check key_... -m openai/gpt-4o | jq -r .provider"});
  check->callback([&context, o] {
    if (o->ip && !IpAddress::parse(*o->ip)) {
      throw_invalid(fmt::format("invalid --ip '{}': expected an IPv4 or IPv6 address", *o->ip));
    }
    Timestamp now = context.clock().now();
    ApiKey key = KeyStore(context.store(), context.clock()).get(o->key_id);
    Catalog catalog = load_catalog(context.store());  // outlives `iam`, which points into it
    const std::vector<Rule> rules = RuleStore(context.store(), context.clock()).list(key.id);
    Decision iam;
    std::string decision = "denied";
    int status = 0;
    std::string reason;
    if (auto refusal = key_refusal(key, rules, o->ip, now)) {
      status = refusal->status;
      reason = refusal->message;
      iam.rule_ids = refusal->rule_ids;
    } else {
      iam = evaluate(rules, catalog, o->model);
      decision = std::string(to_string(iam.outcome));
      status = status_of(iam.outcome);
      reason = iam.reason;
    }
    print_check(context, key, now, o->model, decision, status, reason, iam);
    context.exit_code = iam.allowed() ? 0 : k_exit_denied;
  });
}

}  // namespace llmgw::cli
