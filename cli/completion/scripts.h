#pragma once
// The completion script of each shell, generated from the command tree's tables: what
// `llmgw completion bash|zsh|fish` prints and the build installs. Each script asks the
// binary on the line for ids (`llmgw [--db PATH] __complete keys|rules KEY|models|
// providers`), with the --db given on the line, as --db PATH or --db=PATH.
#include "cli/completion/command_tree.h"

#include <string>

namespace llmgw::cli {

std::string bash_script(const CompletionTables& tables);  // no descriptions: bash has none
std::string zsh_script(const CompletionTables& tables);
std::string fish_script(const CompletionTables& tables);

}  // namespace llmgw::cli
