// `llmgw __complete keys|models|providers`: the ids the shell completion scripts offer,
// one a line. Hidden from --help; a keystroke waits on it, so it reads and never creates.
#include "cli/commands.h"
#include "core/catalog.h"
#include "core/key_store.h"

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::cli {

namespace {

void print_lines(const std::vector<std::string_view>& ids) {
  for (std::string_view id : ids) {
    std::printf("%.*s\n", static_cast<int>(id.size()), id.data());
  }
}

void print_ids(const std::string& what, Context& context) {
  // A missing database is not an error here: there is nothing to offer yet.
  if (!context.has_database()) {
    return;
  }
  if (what == "keys") {
    std::vector<std::string_view> ids;
    auto keys = KeyStore(context.store(), context.clock()).list(IncludeDeleted::no);
    for (const ApiKey& key : keys) {
      ids.push_back(key.id);
    }
    print_lines(ids);
    return;
  }
  Catalog catalog = load_catalog(context.store());
  print_lines(what == "models" ? catalog.model_ids() : catalog.provider_ids());
}

}  // namespace

void add_complete_command(CLI::App& app, Context& context) {
  auto what = std::make_shared<std::string>();
  auto* complete = app.add_subcommand("__complete", "ids for the shell completion scripts");
  complete->group("");  // hidden: not part of the documented surface
  complete->add_option("what", *what, "keys, models or providers")
      ->required()
      ->check(CLI::IsMember({"keys", "models", "providers"}));
  complete->callback([what, &context] { print_ids(*what, context); });
}

}  // namespace llmgw::cli
