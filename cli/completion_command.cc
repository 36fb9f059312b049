// `llmgw completion bash|zsh|fish`: the shell's completion script, generated from the
// command tree it is part of.
#include "cli/commands.h"
#include "cli/completion/scripts.h"
#include "cli/completion/value_hint.h"
#include "cli/help_examples.h"

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::cli {

namespace {

const std::vector<std::string_view> k_shells = {"bash", "zsh", "fish"};

std::string script_for(const std::string& shell, CLI::App& root) {
  CompletionTables tables = completion_tables(root);
  if (shell == "bash") {
    return bash_script(tables);
  }
  return shell == "zsh" ? zsh_script(tables) : fish_script(tables);
}

}  // namespace

void add_completion_command(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  auto* completion = app.add_subcommand(
      "completion", "print the completion script of bash, zsh or fish for llmgw");
  complete_with(completion->add_option("shell", *shell, "bash, zsh or fish")
                    ->required()
                    ->check(CLI::IsMember(std::vector<std::string>(k_shells.begin(),
                                                                    k_shells.end()))),
                k_shells);
  set_examples(completion,
               {"llmgw completion bash > ~/.local/share/bash-completion/completions/llmgw",
                "llmgw completion zsh > ~/.zfunc/_llmgw",
                "llmgw completion fish > ~/.config/fish/completions/llmgw.fish"});
  completion->callback(
      [shell, &app] { std::fputs(script_for(*shell, app).c_str(), stdout); });
}

}  // namespace llmgw::cli
