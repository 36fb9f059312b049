#pragma once
// The "Examples:" block that ends a command's --help: one to three real invocations, in
// step with the EXAMPLES of the command's man page.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace llmgw::cli {

void set_examples(CLI::App* command, const std::vector<std::string>& examples);

}  // namespace llmgw::cli
