#pragma once
// Each command group adds its subcommands to the app; their callbacks run the command.
#include "cli/context.h"

#include <CLI/CLI.hpp>

namespace llmgw::cli {

void add_basic_commands(CLI::App& app, Context& context);  // init, version
void add_key_commands(CLI::App& app, Context& context);
void add_rule_commands(CLI::App* key, Context& context);  // key rule ...
void add_check_command(CLI::App* key, Context& context);  // key check
void add_catalog_commands(CLI::App& app, Context& context);  // providers, provider, catalog
void add_model_commands(CLI::App& app, Context& context);    // models, model
void add_serve_command(CLI::App& app, Context& context);
void add_usage_command(CLI::App& app, Context& context);
void add_logs_command(CLI::App& app, Context& context);
// logs prune; REQUIRES: the options of `logs` are added, as prune refuses each of them.
void add_logs_prune_command(CLI::App* logs, Context& context);
void add_backup_command(CLI::App& app, Context& context);
void add_doctor_command(CLI::App& app, Context& context);
void add_completion_command(CLI::App& app);  // completion bash|zsh|fish
void add_complete_command(CLI::App& app, Context& context);  // hidden: __complete

}  // namespace llmgw::cli
