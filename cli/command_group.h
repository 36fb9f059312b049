#pragma once
// A command that only groups others (`llmgw`, `llmgw key`, `llmgw key rule`, ...): it takes
// one of them at most, and named alone it prints its help on stdout and succeeds, as
// kubectl and gh do.
#include <CLI/CLI.hpp>

namespace llmgw::cli {

void make_group(CLI::App& command);

}  // namespace llmgw::cli
