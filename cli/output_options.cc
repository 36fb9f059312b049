#include "cli/output_options.h"

#include "cli/json_shapes.h"
#include "core/error.h"

#include <fmt/format.h>

namespace llmgw::cli {

namespace {

// The names of the subcommands given, from `llmgw` down: "key rule delete" (aliases are
// resolved: `key rm` is "key delete").
std::string command_path(const CLI::App& app) {
  std::string path;
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
  return path;
}

}  // namespace

std::function<void()> add_output_options(CLI::App& app, Context& context,
                                         std::unique_ptr<JqFilter>& jq) {
  auto fields = std::make_shared<std::string>();
  auto expression = std::make_shared<std::string>();
  // A flag, so that `--json key_x` never takes key_x as FIELDS: FIELDS only after '='.
  auto* json = app.add_flag("--json{}", *fields,
                            "print one JSON document with stable field names; --json=FIELDS "
                            "(comma-separated) keeps only those fields of each record");
  auto* jq_option = app.add_option("--jq", *expression,
                                   "filter the JSON through jq with this expression (implies "
                                   "--json; needs the jq program)")
                        ->type_name("<expr>");
  app.add_flag("--no-headers", context.no_headers, "print tables without their header line");
  return [&app, &context, &jq, fields, expression, json, jq_option] {
    context.json = json->count() > 0 || jq_option->count() > 0;
    if (!fields->empty()) {
      std::string command = command_path(app);
      const JsonShape* shape = find_json_shape(command);
      if (shape == nullptr) {
        throw_invalid(fmt::format("--json=FIELDS: 'llmgw {}' prints no JSON fields to choose",
                                  command));
      }
      if (context.dry_run) {
        throw_invalid("--json=FIELDS cannot be used with --dry-run, which prints the planned "
                      "changes; use --json");
      }
      context.selection.emplace(*shape, *fields);
    }
    if (jq_option->count() > 0) {
      jq = std::make_unique<JqFilter>(*expression);
    }
  };
}

}  // namespace llmgw::cli
