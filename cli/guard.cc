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

void refuse_secret_arguments(const std::vector<std::string>& arguments) {
  // Half a secret's characters: more than a key's display prefix ever shows (4).
  constexpr std::size_t k_piece = k_secret_body_length / 2;
  for (const std::string& argument : arguments) {
    for (std::size_t at = argument.find(k_secret_prefix); at != std::string::npos;
         at = argument.find(k_secret_prefix, at + 1)) {
      std::size_t end = at + k_secret_prefix.size();
      while (end < argument.size() && std::isalnum(static_cast<unsigned char>(argument[end]))) {
        ++end;
      }
      if (end - at - k_secret_prefix.size() >= k_piece) {
        throw_invalid("an argument holds what looks like a key's secret; secrets are never "
                      "taken from the command line (it was not stored or printed)");
      }
    }
  }
}

}  // namespace llmgw::cli
