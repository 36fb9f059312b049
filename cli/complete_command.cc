// `llmgw __complete keys|rules KEY|models|providers`: the ids the shell completion scripts
// offer, one a line, as "id<TAB>description" for keys (their description) and rules (type
// and value). Hidden from --help; a keystroke waits on it, so it reads and never creates.
#include "cli/commands.h"
#include "core/catalog.h"
#include "core/key_store.h"
#include "core/rule_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::cli {

namespace {

struct Request {
  std::string what;
  std::string key_id;  // rules only
};

void print_lines(const std::vector<std::string_view>& ids) {
  for (std::string_view id : ids) {
    std::printf("%.*s\n", static_cast<int>(id.size()), id.data());
  }
}

// Key descriptions have no control characters (core/api_key.h) and rule values are compact
// JSON, so a description never ends its line early.
void print_described(std::string_view id, std::string_view description) {
  std::fputs(fmt::format("{}\t{}\n", id, description).c_str(), stdout);
}

void print_ids(const Request& request, Context& context) {
  // A missing database is not an error here: there is nothing to offer yet.
  if (!context.has_database()) {
    return;
  }
  if (request.what == "keys") {
    auto keys = KeyStore(context.store(), context.clock()).list(IncludeDeleted::no);
    for (const ApiKey& key : keys) {
      print_described(key.id, key.description);
    }
    return;
  }
  if (request.what == "rules") {
    for (const Rule& rule : RuleStore(context.store(), context.clock()).list(request.key_id)) {
      print_described(rule.id, fmt::format("{} {}", to_string(rule.type), rule_value(rule).dump()));
    }
    return;
  }
  Catalog catalog = load_catalog(context.store());
  print_lines(request.what == "models" ? catalog.model_ids() : catalog.provider_ids());
}

}  // namespace

void add_complete_command(CLI::App& app, Context& context) {
  auto request = std::make_shared<Request>();
  auto* complete = app.add_subcommand("__complete", "ids for the shell completion scripts");
  complete->group("");  // hidden: not part of the documented surface
  complete->add_option("what", request->what, "keys, rules, models or providers")
      ->required()
      ->check(CLI::IsMember({"keys", "rules", "models", "providers"}));
  complete->add_option("key-id", request->key_id, "the key whose rules to list");
  complete->callback([request, &context] { print_ids(*request, context); });
}

}  // namespace llmgw::cli
