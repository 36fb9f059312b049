#pragma once
// Each command group adds its subcommands to the app; their callbacks run the command.
#include "cli/context.h"

#include <CLI/CLI.hpp>

namespace llmgw::cli {

void add_basic_commands(CLI::App& app, Context& context);  // init, version
void add_key_commands(CLI::App& app, Context& context);

}  // namespace llmgw::cli
