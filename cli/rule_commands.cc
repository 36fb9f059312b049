// `llmgw key rule list|add|delete|enable|disable|clear <key-id> ...` (rm: delete)
#include "cli/command_group.h"
#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/dry_run.h"
#include "cli/guard.h"
#include "cli/help_examples.h"
#include "cli/output.h"
#include "cli/rule_options.h"
#include "cli/rule_view.h"
#include "core/catalog.h"
#include "core/error.h"
#include "core/json_fields.h"
#include "core/key_store.h"
#include "core/rule_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace llmgw::cli {

namespace {

nlohmann::json rules_json(const std::string& key_id, const std::vector<Rule>& rules) {
  nlohmann::json array = nlohmann::json::array();
  for (const Rule& rule : rules) {
    array.push_back(to_json(rule));
  }
  return {{"key_id", key_id}, {"rules", std::move(array)}};
}

void print_rules(Context& context, const std::string& key_id, const std::vector<Rule>& rules) {
  if (context.format() == Format::json) {
    print_json(context, rules_json(key_id, rules));
  } else {
    print_table(context, rule_table(rules));
  }
}

// A subcommand taking <key-id>, and a <rule-id> when `rule_id` is given.
CLI::App* add_rule_command(CLI::App* rule, const std::string& name, const std::string& help,
                           std::string& key_id, std::string* rule_id) {
  auto* command = rule->add_subcommand(name, help);
  complete_with(refuse_key_secrets(command->add_option("key-id", key_id, "key id (key_...)")
                                       ->required()),
                ValueSource::key_ids);
  if (rule_id) {
    complete_with(
        refuse_secrets(command->add_option("rule-id", *rule_id, "rule id (rule_...)")->required(),
                       "rule ids start with 'rule_'"),
        ValueSource::rule_ids);
  }
  return command;
}

void add_list(CLI::App* rule, Context& context) {
  auto key_id = std::make_shared<std::string>();
  auto* list =
      add_rule_command(rule, "list", "list a key's rules in evaluation order", *key_id, nullptr);
  set_examples(list, {"llmgw key rule list key_...",
                      "llmgw --json key rule list key_... | jq -r '.rules[].id'"});
  list->callback([&context, key_id] {
    KeyStore(context.store(), context.clock()).get(*key_id);
    print_rules(context, *key_id, RuleStore(context.store(), context.clock()).list(*key_id));
  });
}

void add_add(CLI::App* rule, Context& context) {
  struct Options {
    std::string key_id;
    RuleOptions rules;
    std::optional<std::string> type;
    std::optional<std::string> value;
  };
  auto o = std::make_shared<Options>();
  auto* add = add_rule_command(rule, "add", "add rules to a key, evaluated after its others",
                               o->key_id, nullptr);
  add_rule_options(add, o->rules);
  auto* type = add->add_option_function<std::string>(
      "--type", [o](const std::string& v) { o->type = v; },
      "a rule of this type (allow_models, deny_pricing, ...) with --value");
  auto* value = add->add_option_function<std::string>(
      "--value", [o](const std::string& v) { o->value = v; },
      "the rule's JSON value, e.g. '{\"models\": [\"gpt-4o\"]}'");
  complete_with(type, rule_type_names());
  type->needs(value);
  value->needs(type);
  add_dry_run_flag(add, context);
  set_examples(add, {"llmgw key rule add key_... --allow-model gpt-4o --allow-model o3",
                     "llmgw key rule add key_... --deny-paid",
                     "llmgw key rule add key_... --type allow_ips "
                     "--value '{\"ips\": [\"10.0.0.0/8\"]}'"});
  add->callback([&context, o] {
    std::vector<Rule> rules = rules_from_options(o->rules);
    if (o->type) {
      RuleType type = parse_rule_type(*o->type);
      rules.push_back(make_rule(type, parse_json(*o->value, "--value")));
    }
    if (rules.empty()) {
      throw_invalid("no rule given: use a rule flag such as --allow-model, or --type and --value");
    }
    Catalog catalog = load_catalog(context.store());
    RuleStore store(context.store(), context.clock());
    run_change(
        context,
        [&] {
          return store.add(o->key_id, rules, catalog, o->rules.force ? Force::yes : Force::no);
        },
        [&](const std::vector<Rule>& added) {
          print_rules(context, o->key_id, added);
          if (context.format() == Format::human) {
            tell(fmt::format("Added {} rule{} to key {}.", added.size(),
                             added.size() == 1 ? "" : "s", o->key_id));
          }
        });
  });
}

void add_remove(CLI::App* rule, Context& context) {
  struct Options {
    std::string key_id;
    std::string rule_id;
    bool if_exists = false;
  };
  auto o = std::make_shared<Options>();
  auto* remove =
      add_rule_command(rule, "delete", "delete a rule", o->key_id, &o->rule_id);
  remove->alias("rm");
  remove->add_flag("--if-exists", o->if_exists, "succeed when the rule is not there");
  add_dry_run_flag(remove, context);
  set_examples(remove, {"llmgw key rule delete key_... rule_...",
                        "llmgw key rule rm key_... rule_... --if-exists"});
  remove->callback([&context, o] {
    RuleStore store(context.store(), context.clock());
    run_change(
        context,
        [&] {
          return store.remove(o->key_id, o->rule_id,
                              o->if_exists ? IfExists::yes : IfExists::no);
        },
        [&](const std::optional<Rule>& removed) {
          if (context.format() == Format::json) {
            // The deleted rule, or no more than its ids when there was none to delete.
            nlohmann::json document = removed ? to_json(*removed)
                                              : nlohmann::json{{"id", o->rule_id},
                                                               {"key_id", o->key_id}};
            document["deleted"] = removed.has_value();
            print_json(context, document);
          } else {
            tell(removed ? fmt::format("Deleted rule {} from key {}.", o->rule_id, o->key_id)
                         : fmt::format("Rule {} was not there; nothing to do.", o->rule_id));
          }
        });
  });
}

void add_status(CLI::App* rule, Context& context, const std::string& name, RuleStatus status) {
  struct Options {
    std::string key_id;
    std::string rule_id;
  };
  auto o = std::make_shared<Options>();
  bool active = status == RuleStatus::active;
  std::string help = active ? "evaluate the rule again" : "keep the rule but stop evaluating it";
  auto* command = add_rule_command(rule, name, help, o->key_id, &o->rule_id);
  add_dry_run_flag(command, context);
  set_examples(command, {fmt::format("llmgw key rule {} key_... rule_...", name)});
  command->callback([&context, o, status, active] {
    RuleStore store(context.store(), context.clock());
    run_change(
        context, [&] { return store.set_status(o->key_id, o->rule_id, status); },
        [&](const Rule& changed) {
          if (context.format() == Format::json) {
            print_json(context, to_json(changed));
          } else {
            tell(fmt::format("{} rule {}.", active ? "Enabled" : "Disabled", o->rule_id));
          }
        });
  });
}

void add_clear(CLI::App* rule, Context& context) {
  auto key_id = std::make_shared<std::string>();
  auto* clear = add_rule_command(rule, "clear", "remove every rule of a key", *key_id, nullptr);
  add_destructive_flags(clear, context);
  set_examples(clear, {"llmgw key rule clear key_..."});
  clear->callback([&context, key_id] {
    RuleStore store(context.store(), context.clock());
    std::optional<ApiKey> key = KeyStore(context.store(), context.clock()).find(*key_id);
    std::size_t count = key ? store.list(*key_id).size() : 0;
    if (count > 0 && key->status != KeyStatus::deleted) {
      confirm(context, "key rule clear",
              fmt::format("Remove all {} rule{} of key {} ({})?", count, count == 1 ? "" : "s",
                          *key_id, key->description));
    }
    run_change(
        context, [&] { return store.clear(*key_id); },
        [&](std::size_t removed) {
          if (context.format() == Format::json) {
            print_json(context, {{"key_id", *key_id}, {"removed", removed}});
          } else {
            tell(fmt::format("Removed {} rule{} from key {}.", removed,
                             removed == 1 ? "" : "s", *key_id));
          }
        });
  });
}

}  // namespace

void add_rule_commands(CLI::App* key, Context& context) {
  auto* rule = key->add_subcommand("rule", "manage a key's IAM rules");
  make_group(*rule);
  add_list(rule, context);
  add_add(rule, context);
  add_remove(rule, context);
  add_status(rule, context, "enable", RuleStatus::active);
  add_status(rule, context, "disable", RuleStatus::inactive);
  add_clear(rule, context);
}

}  // namespace llmgw::cli
