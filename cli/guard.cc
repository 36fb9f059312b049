#include "cli/guard.h"

#include "core/error.h"
#include "core/secret.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>

namespace llmgw::cli {

void add_dry_run_flag(CLI::App* command, Context& context) {
  command->add_flag("--dry-run", context.dry_run,
                    "print what would change and change nothing (exit 0)");
}

void add_destructive_flags(CLI::App* command, Context& context) {
  command->add_flag("-y,--yes", context.yes,
                    "do not ask first; needed where there is no terminal to ask on");
  add_dry_run_flag(command, context);
}

void confirm(const Context& context, std::string_view command, const std::string& question) {
  if (context.yes || context.dry_run) {
    return;
  }
  if (!context.can_ask()) {
    throw_invalid(fmt::format("'{}' changes data that cannot be restored; run it again with "
                              "--yes to confirm (no terminal to ask on)",
                              command));
  }
  std::fputs(fmt::format("{} [y/N] ", question).c_str(), stderr);
  std::fflush(stderr);
  std::string answer;
  std::getline(std::cin, answer);
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (answer != "y" && answer != "yes") {
    throw Error(ErrorKind::cancelled, "cancelled; nothing changed");
  }
}

CLI::Option* refuse_secrets(CLI::Option* option, const std::string& id_rule) {
  return option->each([id_rule](const std::string& value) {
    if (value.rfind(k_secret_prefix, 0) == 0) {
      throw_invalid(fmt::format("that looks like a key's secret, not its id; {} (the secret "
                                "was not stored or printed)",
                                id_rule));
    }
  });
}

CLI::Option* refuse_key_secrets(CLI::Option* option) {
  return refuse_secrets(option, "key ids start with 'key_'");
}

}  // namespace llmgw::cli
