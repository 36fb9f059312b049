#pragma once
// The guard-rails of commands that change the database: -y/--yes and the question asked
// before a change that cannot be undone, --dry-run (cli/dry_run.h), and ids that are
// really key secrets pasted into the wrong place.
#include "cli/context.h"

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::cli {

// Adds --dry-run to a command that changes the database.
void add_dry_run_flag(CLI::App* command, Context& context);
// Adds -y/--yes and --dry-run to a command whose change cannot be undone.
void add_destructive_flags(CLI::App* command, Context& context);

// Before a change that cannot be undone; `command` is its name ("key delete"). Returns at
// once with --yes or --dry-run. Where a person can be asked (Context::can_ask), writes
// `question` and " [y/N] " on stderr and reads a line from stdin: "y" or "yes" (any case)
// returns, anything else throws Error(cancelled) "cancelled; nothing changed". Elsewhere
// nobody can answer, and it throws Error(invalid) "'<command>' changes data that cannot
// be restored; run it again with --yes to confirm (no terminal to ask on)".
void confirm(const Context& context, std::string_view command, const std::string& question);

// Makes an id option refuse a key's secret before anything runs: Error(invalid) "that
// looks like a key's secret, not its id; <id_rule> (the secret was not stored or
// printed)", where `id_rule` says what the id looks like ("key ids start with 'key_'").
CLI::Option* refuse_secrets(CLI::Option* option, const std::string& id_rule);
// The same for every positional id of a command that takes a key id.
CLI::Option* refuse_key_secrets(CLI::Option* option);

// Refuses what no option may take, once the command line is parsed and before its command
// runs: an argument that holds a key's secret or a piece of one (its prefix and 20 or more
// of its characters) anywhere, as a description, a model in a list, a path. Secrets are
// never taken from the command line, and one stored or printed back would be exposed.
// Throws Error(invalid) "an argument holds what looks like a key's secret; secrets are
// never taken from the command line (it was not stored or printed)".
void refuse_secret_arguments(const std::vector<std::string>& arguments);

}  // namespace llmgw::cli
