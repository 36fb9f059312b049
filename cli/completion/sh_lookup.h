#pragma once
// A table (command_tree.h) as a bash or zsh function `name KEY` that prints the candidates of
// KEY one a line, each as "word" or as "word<TAB>description", and nothing for another key.
// The descriptions of llmgw's commands and options are one line each.
#include "cli/completion/command_tree.h"

#include <string>
#include <string_view>

namespace llmgw::cli {

enum class Descriptions { yes, no };

std::string sh_lookup(std::string_view name, const Table& table, Descriptions descriptions);

// `text` as one word for bash, zsh and POSIX sh: single-quoted.
std::string sh_quote(std::string_view text);

}  // namespace llmgw::cli
