#pragma once
// What the shell completion offers for the value of an option or positional, said where the
// option is declared, so that `llmgw completion` follows the command tree and has no table
// of its own to keep in step. The hint is a validator that never runs and shows nothing in
// --help; it checks nothing either (the command's own parsing does that).
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::cli {

// Ids asked from the binary (`llmgw __complete ...`), or paths from the shell. Rule ids are
// those of the key named by the command's first positional.
enum class ValueSource { key_ids, rule_ids, model_ids, provider_ids, files };

CLI::Option* complete_with(CLI::Option* option, ValueSource source);
// The value is one of `words` (or, as for --period, usually one of them).
CLI::Option* complete_with(CLI::Option* option, const std::vector<std::string_view>& words);

// The hint of `option` as the generated scripts read it: "keys", "rules", "models",
// "providers", "file" or "words W1 W2 ..."; nullopt when it has none.
std::optional<std::string> completion_hint(CLI::Option& option);

}  // namespace llmgw::cli
