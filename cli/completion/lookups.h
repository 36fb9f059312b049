#pragma once
// A table (command_tree.h) as a bash or zsh function `name KEY` that prints the candidates of
// KEY one a line, each as "word" or as "word<TAB>description", and nothing for another key.
// The descriptions of llmgw's commands and options are one line each.
#include "cli/completion/command_tree.h"

#include <functional>
#include <string>
#include <string_view>

namespace llmgw::cli {

enum class Descriptions { yes, no };

std::string sh_lookup(std::string_view name, const LookupTable& table, Descriptions descriptions);

// Writes a table as a shell's lookup function: sh_lookup, or fish's own.
using LookupWriter =
    std::function<std::string(std::string_view name, const LookupTable& table, Descriptions)>;

// The four tables as lookup functions named `prefix` + "subcommands", "options", "values"
// and "positionals"; the candidates of the first two with their descriptions when
// `descriptions` says so (values and positionals have none).
std::string lookups(const CompletionTables& tables, std::string_view prefix,
                    const LookupWriter& write, Descriptions descriptions);

// `text` as one word for bash, zsh and POSIX sh: single-quoted.
std::string sh_quote(std::string_view text);

}  // namespace llmgw::cli
