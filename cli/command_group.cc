#include "cli/command_group.h"

#include <cstdio>

namespace llmgw::cli {

void make_group(CLI::App& command) {
  command.require_subcommand(0, 1);
  command.callback([&command] {
    if (!command.get_subcommands().empty()) {
      return;  // the subcommand ran
    }
    // The root's help follows the selected commands down to this one ("Usage: llmgw key").
    const CLI::App* root = &command;
    while (root->get_parent() != nullptr) {
      root = root->get_parent();
    }
    std::fputs(root->help().c_str(), stdout);
  });
}

}  // namespace llmgw::cli
