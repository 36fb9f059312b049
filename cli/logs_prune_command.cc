#include "cli/commands.h"
#include "cli/help_examples.h"
#include "cli/output.h"
#include "core/log_retention.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace llmgw::cli {

namespace {

std::string rows(std::int64_t count) {
  return fmt::format("{} request-log row{}", count, count == 1 ? "" : "s");
}

}  // namespace

void add_logs_prune_command(CLI::App* logs, Context& context) {
  struct Options {
    std::string older_than;
    bool dry_run = false;
  };
  auto o = std::make_shared<Options>();
  auto* prune = logs->add_subcommand(
      "prune",
      "delete the request-log rows older than a duration, a thousand per transaction so a "
      "running gateway keeps serving; usage reports, keys' usage and limits stay as they were");
  prune->add_option("--older-than", o->older_than,
                    "delete the rows logged before this long ago: 90d, 12w, 36h")
      ->required()
      ->type_name("<duration>");
  prune->add_flag("--dry-run", o->dry_run, "print how many rows would be deleted; delete none");
  // Options this command does not know fall through to `logs`, as the global ones must
  // reach `llmgw`: the filters of `logs` (-n, --since, ...) would be taken and ignored.
  for (CLI::Option* option : logs->get_options()) {
    if (option != logs->get_help_ptr()) {
      prune->excludes(option);
    }
  }
  set_examples(prune, {"llmgw logs prune --older-than 90d --dry-run",
                       "llmgw logs prune --older-than 12w"});
  prune->callback([&context, o] {
    Timestamp before =
        prune_cutoff(context.clock().now() - parse_duration(o->older_than, "--older-than"));
    Store& store = context.store();
    store.stamp_commits(false);  // no configuration changes: nothing for the daemon to reload
    std::int64_t count = o->dry_run ? count_log_before(store, before) : prune_log(store, before);
    if (context.format() == Format::json) {
      print_json(context, {{o->dry_run ? "would_delete" : "deleted", count},
                  {"older_than", o->older_than},
                  {"before", format_iso(before)}});
    } else {
      tell(fmt::format("{} {} older than {} (logged before {}).",
                       o->dry_run ? "Would delete" : "Deleted", rows(count), o->older_than,
                       format_iso(before)));
    }
  });
}

}  // namespace llmgw::cli
