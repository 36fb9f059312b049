#include "cli/arguments.h"
#include "cli/command_group.h"
#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/dry_run.h"
#include "cli/guard.h"
#include "cli/help_examples.h"
#include "cli/key_view.h"
#include "cli/time_arguments.h"
#include "cli/output.h"
#include "cli/rule_options.h"
#include "cli/traffic_options.h"
#include "core/error.h"
#include "core/key_store.h"
#include "core/rule_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <memory>

namespace llmgw::cli {

namespace {

struct LimitOptions {
  std::optional<std::string> limit;
  std::optional<std::string> period_limit;
  std::optional<std::string> period;
  std::optional<std::string> expires;
};

void add_limit_options(CLI::App* command, LimitOptions& o) {
  add_optional(command, "--limit", o.limit, "lifetime usage limit in USD; 0 blocks every request");
  add_optional(command, "--period-limit", o.period_limit,
               "recurring usage limit in USD per --period");
  complete_with(add_optional(command, "--period", o.period,
                             "window of --period-limit in UTC: 1h..8760h, 1d..365d, 1w..52w, "
                             "1mo..12mo"),
                {"1h", "1d", "1w", "1mo"});
  add_optional(command, "--expires", o.expires,
               "expiry: a duration from now (30d, 12h, 2w) or an ISO-8601 time");
}

// Every key document of the CLI: the core one plus how many rules the key has.
nlohmann::json key_json(Context& context, const ApiKey& key, Timestamp now,
                        std::optional<std::size_t> rule_count = std::nullopt) {
  nlohmann::json document = to_json(key, now);
  document["rule_count"] =
      rule_count ? *rule_count : RuleStore(context.store(), context.clock()).list(key.id).size();
  return document;
}

// {"keys": [...]}, one key document a line, written as it goes: 10,000 keys never become
// one tree in memory (one key does, with --json=FIELDS).
void print_key_list_json(const Context& context, const std::vector<ApiKey>& keys,
                         Timestamp now, std::map<std::string, std::size_t>& rule_counts) {
  std::string out = "{\n  \"keys\": [";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string record = "{";
    append_json_fields(record, keys[i], now);
    record += fmt::format(",\"rule_count\":{}}}", rule_counts[keys[i].id]);
    if (context.selection) {
      record = context.selection->select(nlohmann::json::parse(record)).dump();
    }
    out += (i == 0 ? "\n    " : ",\n    ") + record;
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  out += keys.empty() ? "]\n}\n" : "\n  ]\n}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

void print_key(Context& context, const ApiKey& key, Timestamp now) {
  if (context.format() == Format::json) {
    print_json(context, key_json(context, key, now));
  } else {
    std::size_t rules = RuleStore(context.store(), context.clock()).list(key.id).size();
    std::fputs(render_key_fields(key, now, rules).c_str(), stdout);
  }
}

// The secret goes to stdout alone (or in the JSON document) so that
// `SECRET=$(llmgw key create -d ci)` works; the words for people go to stderr.
void print_created(Context& context, const CreatedKey& created, Timestamp now,
                   std::string_view verb) {
  if (context.format() == Format::json) {
    nlohmann::json document = key_json(context, created.key, now);
    document["secret"] = created.secret;
    print_json(context, document);
    return;
  }
  std::printf("%s\n", created.secret.c_str());
  tell(fmt::format("{} key {}. The secret above is shown only once: store it now.", verb,
                   created.key.id));
}

void add_create(CLI::App* key, Context& context) {
  struct Options {
    std::string description;
    LimitOptions limits;
    TrafficOptions traffic;
    RuleOptions rules;
  };
  auto o = std::make_shared<Options>();
  auto* create = key->add_subcommand("create", "create a key and print its secret, once");
  create->add_option("-d,--description", o->description, "what the key is for (1-255 characters)")
      ->required();
  add_limit_options(create, o->limits);
  add_traffic_options(create, o->traffic);
  add_rule_options(create, o->rules);
  add_dry_run_flag(create, context);
  set_examples(create, {"llmgw key create -d \"team a\" --period-limit 50 --period 1mo",
                        "llmgw key create -d ci --limit 1 --expires 2h --allow-model gpt-4o-mini",
                        "SECRET=$(llmgw key create -d backend --rpm 60 --deny-paid)"});
  create->callback([&context, o] {
    Timestamp now = context.clock().now();
    std::vector<Rule> rules = rules_from_options(o->rules);
    NewKey spec;
    spec.description = o->description;
    spec.usage_limit = parse_money_option(o->limits.limit, "--limit");
    if (o->limits.period_limit.has_value() != o->limits.period.has_value()) {
      throw Error(ErrorKind::invalid, "--period-limit and --period go together");
    }
    if (o->limits.period_limit) {
      spec.period_limit = PeriodLimitSpec{Money::parse_usd(*o->limits.period_limit, "--period-limit"),
                                          Period::parse(*o->limits.period)};
    }
    if (o->limits.expires) {
      spec.expires_at = parse_expiry(*o->limits.expires, now, "--expires");
    }
    spec.traffic = traffic_limits_from(o->traffic);
    check_new_key(spec, now);
    run_change(
        context, [&] { return create_key_with_rules(context, spec, rules, o->rules); },
        [&](const CreatedKey& created) { print_created(context, created, now, "Created"); });
  });
}

void add_list(CLI::App* key, Context& context) {
  auto all = std::make_shared<bool>(false);
  auto* list = key->add_subcommand("list", "list keys, oldest first (deleted ones with --all)");
  list->add_flag("--all", *all, "include deleted keys");
  set_examples(list, {"llmgw key list",
                      "llmgw key list --all",
                      "llmgw key list --json=id,status --jq '.keys[] | select(.status==\"active\") | .id'"});
  list->callback([&context, all] {
    KeyStore keys(context.store(), context.clock());
    auto found = keys.list(*all ? IncludeDeleted::yes : IncludeDeleted::no);
    auto rule_counts = RuleStore(context.store(), context.clock()).counts();
    Timestamp now = context.clock().now();
    if (context.format() == Format::json) {
      print_key_list_json(context, found, now, rule_counts);
    } else {
      print_table(context, key_table(found, now, rule_counts));
    }
  });
}

// The key when it exists and is not deleted: the one a destructive command asks about.
// Otherwise the command itself says what is wrong, or that there is nothing to do.
std::optional<ApiKey> live_key(KeyStore& keys, const std::string& id) {
  std::optional<ApiKey> found = keys.find(id);
  if (found && found->status == KeyStatus::deleted) {
    return std::nullopt;
  }
  return found;
}

// Adds a command that takes one key id and runs `action` on it.
template <class Action>
CLI::App* add_key_command(CLI::App* key, Context& context, const std::string& name,
                          const std::string& help, std::shared_ptr<std::string> id,
                          Action action) {
  auto* command = key->add_subcommand(name, help);
  complete_with(refuse_key_secrets(command->add_option("id", *id, "key id (key_...)")->required()),
                ValueSource::key_ids);
  command->callback([&context, id, action] { action(context, *id); });
  return command;
}

void add_show(CLI::App* key, Context& context) {
  auto* show = add_key_command(key, context, "show", "show one key",
                               std::make_shared<std::string>(),
                               [](Context& c, const std::string& id) {
                                 KeyStore keys(c.store(), c.clock());
                                 print_key(c, keys.get(id), c.clock().now());
                               });
  set_examples(show, {"llmgw key show key_...",
                      "llmgw --json key show key_... | jq -r .usage"});

}

void add_update(CLI::App* key, Context& context) {
  struct Options {
    std::optional<std::string> description;
    LimitOptions limits;
    TrafficOptions traffic;
    bool no_limit = false;
    bool no_period_limit = false;
    bool no_expires = false;
  };
  auto o = std::make_shared<Options>();
  auto* update = add_key_command(
      key, context, "update", "change a key's description, limits or expiry",
      std::make_shared<std::string>(), [o](Context& c, const std::string& id) {
        Timestamp now = c.clock().now();
        KeyChanges changes;
        changes.description = o->description;
        if (o->limits.limit) {
          changes.usage_limit = parse_money_option(o->limits.limit, "--limit");
        } else if (o->no_limit) {
          changes.usage_limit = std::optional<Money>();
        }
        changes.period_amount = parse_money_option(o->limits.period_limit, "--period-limit");
        if (o->limits.period) {
          changes.period = Period::parse(*o->limits.period);
        }
        changes.clear_period_limit = o->no_period_limit;
        if (o->limits.expires) {
          changes.expires_at = parse_expiry(*o->limits.expires, now, "--expires");
        } else if (o->no_expires) {
          changes.expires_at = std::optional<Timestamp>();
        }
        add_traffic_changes(o->traffic, changes);
        if (changes.empty()) {
          throw Error(ErrorKind::invalid, "nothing to update: give at least one option");
        }
        KeyStore keys(c.store(), c.clock());
        run_change(
            c, [&] { return keys.update(id, changes); },
            [&](const ApiKey& k) { print_key(c, k, now); });
      });
  add_optional(update, "-d,--description", o->description, "new description (1-255 characters)");
  add_limit_options(update, o->limits);
  add_traffic_options(update, o->traffic);
  auto* limit = update->get_option("--limit");
  auto* period_limit = update->get_option("--period-limit");
  auto* period = update->get_option("--period");
  auto* expires = update->get_option("--expires");
  update->add_flag("--no-limit", o->no_limit, "remove the lifetime usage limit")->excludes(limit);
  update->add_flag("--no-period-limit", o->no_period_limit, "remove the recurring usage limit")
      ->excludes(period_limit)
      ->excludes(period);
  update->add_flag("--no-expires", o->no_expires, "remove the expiry")->excludes(expires);
  add_traffic_removals(update, o->traffic);
  add_dry_run_flag(update, context);
  set_examples(update, {"llmgw key update key_... --period-limit 5 --period 1mo",
                        "llmgw key update key_... --rpm 60 --max-parallel 4 --no-tpm",
                        "llmgw key update key_... -d \"team b\" --no-expires"});

}

void add_status_commands(CLI::App* key, Context& context) {
  auto expires = std::make_shared<std::optional<std::string>>();
  auto* enable = add_key_command(
      key, context, "enable", "enable a key (an expired one needs --expires)",
      std::make_shared<std::string>(), [expires](Context& c, const std::string& id) {
        Timestamp now = c.clock().now();
        std::optional<Timestamp> new_expiry;
        if (*expires) {
          new_expiry = parse_expiry(**expires, now, "--expires");
        }
        KeyStore keys(c.store(), c.clock());
        run_change(
            c, [&] { return keys.enable(id, new_expiry); },
            [&](const ApiKey& k) {
              c.format() == Format::json ? print_json(c, key_json(c, k, now))
                                         : tell("Enabled key " + id + ".");
            });
      });
  add_optional(enable, "--expires", *expires,
               "new expiry: a duration from now (30d, 12h, 2w) or an ISO-8601 time");
  add_dry_run_flag(enable, context);
  set_examples(enable, {"llmgw key enable key_...",
                        "llmgw key enable key_... --expires 30d"});

  auto* disable = add_key_command(
      key, context, "disable", "disable a key; it can be enabled again",
      std::make_shared<std::string>(), [](Context& c, const std::string& id) {
        KeyStore keys(c.store(), c.clock());
        run_change(
            c, [&] { return keys.disable(id); },
            [&](const ApiKey& k) {
              c.format() == Format::json ? print_json(c, key_json(c, k, c.clock().now()))
                                         : tell("Disabled key " + id + ".");
            });
      });
  add_dry_run_flag(disable, context);
  set_examples(disable, {"llmgw key disable key_..."});

  auto if_exists = std::make_shared<bool>(false);
  auto* remove = add_key_command(
      key, context, "delete", "delete a key for good (it stays listed with --all)",
      std::make_shared<std::string>(), [if_exists](Context& c, const std::string& id) {
        KeyStore keys(c.store(), c.clock());
        if (auto live = live_key(keys, id)) {
          confirm(c, "key delete",
                  fmt::format("Delete key {} ({})? Its secret stops working at once and it "
                              "cannot be re-enabled.",
                              id, live->description));
        }
        run_change(
            c, [&] { return keys.remove(id, *if_exists ? IfExists::yes : IfExists::no); },
            [&](const std::optional<ApiKey>& k) {
              if (c.format() == Format::json) {
                // The deleted key, or no more than its id when there was none to delete.
                nlohmann::json document = k ? key_json(c, *k, c.clock().now())
                                            : nlohmann::json{{"id", id}};
                document["deleted"] = k.has_value();
                print_json(c, document);
              } else {
                tell(k ? "Deleted key " + id + "."
                       : "Key " + id + " was not there; nothing to do.");
              }
            });
      });
  remove->alias("rm");
  remove->add_flag("--if-exists", *if_exists, "succeed when the key is missing or already deleted");
  add_destructive_flags(remove, context);
  set_examples(remove, {"llmgw key delete key_...",
                        "llmgw key rm key_... --if-exists --yes"});
}

void add_roll(CLI::App* key, Context& context) {
  auto* roll = add_key_command(
      key, context, "roll",
      "replace a key's secret and print the new one, once; the old one stops working",
      std::make_shared<std::string>(), [](Context& c, const std::string& id) {
        KeyStore keys(c.store(), c.clock());
        if (auto live = live_key(keys, id)) {
          confirm(c, "key roll",
                  fmt::format("Roll key {} ({})? Its current secret stops working at once.",
                              id, live->description));
        }
        run_change(
            c, [&] { return keys.roll(id); },
            [&](const CreatedKey& created) {
              print_created(c, created, c.clock().now(), "Rolled");
            });
      });
  add_destructive_flags(roll, context);
  set_examples(roll, {"llmgw key roll key_...",
                      "SECRET=$(llmgw key roll --yes key_...)"});
}

}  // namespace

void add_key_commands(CLI::App& app, Context& context) {
  auto* key = app.add_subcommand("key", "manage API keys");
  make_group(*key);
  add_create(key, context);
  add_list(key, context);
  add_show(key, context);
  add_update(key, context);
  add_status_commands(key, context);
  add_roll(key, context);
  add_rule_commands(key, context);
  add_check_command(key, context);
}

}  // namespace llmgw::cli
