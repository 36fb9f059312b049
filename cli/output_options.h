#pragma once
// The global options that shape stdout for scripts: --json[=FIELDS], --jq EXPR and
// --no-headers (llmgw(1), OUTPUT).
#include "cli/context.h"
#include "cli/jq_filter.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

namespace llmgw::cli {

// Adds the options to `app`, and returns what must run once the command line is parsed,
// before the command runs (CLI::App::parse_complete_callback): FIELDS is checked against
// the command's JSON fields (cli/json_shapes.h) and set in `context`, and with --jq, jq is
// started into `jq`. Its errors are Error(invalid): FIELDS of a command that prints no
// JSON, or with --dry-run (which prints the planned changes), an unknown field, no jq
// program.
std::function<void()> add_output_options(CLI::App& app, Context& context,
                                         std::unique_ptr<JqFilter>& jq);

}  // namespace llmgw::cli
