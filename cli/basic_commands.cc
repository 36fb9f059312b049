#include "cli/commands.h"
#include "cli/help_examples.h"
#include "cli/output.h"
#include "cli/version.h"
#include "core/migrations.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmgw::cli {

void add_basic_commands(CLI::App& app, Context& context) {
  auto* init = app.add_subcommand("init", "create the database, or upgrade its schema");
  set_examples(init, {"llmgw init",
                      "llmgw --db /var/lib/llmgw/llmgw.db init"});
  init->callback([&context] {
    context.may_create_database = true;
    Store& store = context.store();
    int version = schema_version(store.db());
    if (context.format() == Format::json) {
      print_json(context, {{"database", store.path()}, {"schema_version", version}});
    } else {
      tell(fmt::format("Database {} is ready (schema version {}).", store.path(), version));
    }
  });

  auto* version = app.add_subcommand(
      "version", "print the version, commit, build date and SQLite version (as --version)");
  set_examples(version, {"llmgw version",
                         "llmgw --json version | jq -r .commit"});
  version->callback([&context] {
    if (context.format() == Format::json) {
      print_json(context, version_json());
    } else {
      std::printf("%s\n", version_line().c_str());
    }
  });
}

}  // namespace llmgw::cli
