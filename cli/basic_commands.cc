#include "cli/commands.h"
#include "cli/output.h"
#include "core/migrations.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmgw::cli {

void add_basic_commands(CLI::App& app, Context& context) {
  auto* init = app.add_subcommand("init", "create the database, or upgrade its schema");
  init->callback([&context] {
    context.may_create_database = true;
    Store& store = context.store();
    int version = schema_version(store.db());
    if (context.format() == Format::json) {
      print_json({{"database", store.path()}, {"schema_version", version}});
    } else {
      tell(fmt::format("Database {} is ready (schema version {}).", store.path(), version));
    }
  });

  auto* version = app.add_subcommand("version", "print the version of llmgw");
  version->callback([&context] {
    if (context.format() == Format::json) {
      print_json({{"version", LLMGW_VERSION}, {"schema_version", latest_schema_version()}});
    } else {
      std::printf("llmgw %s\n", LLMGW_VERSION);
    }
  });
}

}  // namespace llmgw::cli
