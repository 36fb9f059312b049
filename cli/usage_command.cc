#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/completion/value_hint.h"
#include "cli/guard.h"
#include "cli/help_examples.h"
#include "cli/output.h"
#include "cli/time_arguments.h"
#include "cli/usage_view.h"
#include "core/error.h"
#include "core/key_store.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace llmgw::cli {

void add_usage_command(CLI::App& app, Context& context) {
  struct Options {
    std::optional<std::string> key;
    std::optional<std::string> since;
    std::optional<std::string> until;
    std::optional<std::string> by;
    bool csv = false;
  };
  auto o = std::make_shared<Options>();
  auto* usage = app.add_subcommand(
      "usage", "requests, errors, tokens and cost from the request log (days and hours in UTC)");
  complete_with(
      refuse_key_secrets(add_optional(usage, "--key", o->key, "only this key's requests"))
          ->type_name("<id>"),
      ValueSource::key_ids);
  add_optional(usage, "--since", o->since,
               "from this time on (inclusive): a duration back from now (7d, 12h) or ISO-8601")
      ->type_name("<when>");
  add_optional(usage, "--until", o->until,
               "up to this time (exclusive): a duration back from now (1d) or ISO-8601")
      ->type_name("<when>");
  add_optional(usage, "--by", o->by,
               "one row per key, model (served, else requested), provider, day or hour; "
               "without it, one total row")
      ->type_name("<group>");
  complete_with(usage->get_option("--by"), usage_grouping_names());
  usage->add_flag("--csv", o->csv, "print CSV (RFC 4180): a header record, then the rows");
  set_examples(usage, {"llmgw usage --since 7d --by model",
                       "llmgw usage --since 2026-11-01 --by day --csv > november.csv",
                       "llmgw usage --key key_... --since 24h"});
  usage->callback([&context, o] {
    if (o->csv && context.json) {
      throw_invalid("--csv and --json cannot be used together");
    }
    Timestamp now = context.clock().now();
    UsageQuery query;
    query.key_id = o->key;
    if (o->since) {
      query.since = parse_time_back(*o->since, now, "--since");
    }
    if (o->until) {
      query.until = parse_time_back(*o->until, now, "--until");
    }
    if (query.since && query.until && *query.since >= *query.until) {
      throw_invalid(fmt::format("--since ({}) must be before --until ({})",
                                format_iso(*query.since), format_iso(*query.until)));
    }
    if (o->by) {
      query.by = parse_usage_grouping(*o->by, "--by");
    }
    if (query.key_id) {
      KeyStore(context.store(), context.clock()).get(*query.key_id);  // unknown: exit 3
    }
    UsageReport report = usage_report(context.store(), query);
    if (context.format() == Format::json) {
      print_json(context, usage_json(report, query));
    } else if (o->csv) {
      std::fputs(render_usage_csv(report, query.by).c_str(), stdout);
    } else {
      print_table(context, usage_table(report, query.by));
    }
  });
}

}  // namespace llmgw::cli
