#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/help_examples.h"
#include "cli/output.h"
#include "core/backup.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace llmgw::cli {

void add_backup_command(CLI::App& app, Context& context) {
  struct Options {
    std::string file;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* backup = app.add_subcommand(
      "backup", "write a consistent copy of the database (mode 0600), also while it is in use");
  complete_with(
      backup->add_option("file", o->file, "where to write the copy")->required()->type_name("<file>"),
      ValueSource::files);
  backup->add_flag("--force", o->force, "replace <file> when it exists");
  set_examples(backup, {"llmgw backup llmgw-$(date +%F).db",
                        "llmgw --db /var/lib/llmgw/llmgw.db backup /var/backups/llmgw.db --force"});
  backup->callback([&context, o] {
    Store& store = context.store();
    std::int64_t bytes =
        backup_database(store, o->file, o->force ? Overwrite::yes : Overwrite::no);
    if (context.format() == Format::json) {
      print_json(context, {{"backup", o->file}, {"bytes", bytes}});
    } else {
      tell(fmt::format("Backed up {} to {} ({} bytes).", store.path(), o->file, bytes));
    }
  });
}

}  // namespace llmgw::cli
