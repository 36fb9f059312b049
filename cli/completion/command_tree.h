#pragma once
// The CLI11 command tree as the completion scripts look it up: four tables, each from a
// key (a command path as typed, aliases included) to the lines to offer. Each shell
// (cli/completion/scripts.h) writes every table as one lookup function and adds the code
// that reads the command line.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace llmgw::cli {

struct Offer {
  std::string word;
  std::string description;  // "" when there is none
};

// One entry of a table: the keys that give these candidates.
struct Lookup {
  std::vector<std::string> keys;
  std::vector<Offer> candidates;
};
using LookupTable = std::vector<Lookup>;

struct CompletionTables {
  // "" (llmgw itself), "key", "key rule", "key rule rm" ... → its visible subcommands, each
  // name and alias.
  LookupTable subcommands;
  // A command path → every name of its options and of llmgw's global ones (--version
  // aside: it belongs to llmgw alone).
  LookupTable options;
  // "PATH|OPTION" → what the option's value is (value_hint.h), or "text"; flags are absent.
  LookupTable values;
  // "PATH|N" → what the command's Nth positional (from 0) is, or "text".
  LookupTable positionals;
};

// REQUIRES: `root` has its whole tree added. Hidden commands (group "") are left out.
CompletionTables completion_tables(CLI::App& root);

}  // namespace llmgw::cli
