#include "cli/usage_error.h"

#include "core/suggest.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <string_view>
#include <vector>

namespace llmgw::cli {

namespace {

// "llmgw key create"
std::string command_path(const CLI::App& command) {
  std::string path = command.get_name();
  for (const CLI::App* at = command.get_parent(); at != nullptr; at = at->get_parent()) {
    path = at->get_name() + " " + path;
  }
  return path;
}

bool is_visible(const CLI::App* command) {
  return !command->get_group().empty();
}

// "; did you mean 'key'?", or "" when no name is close.
std::string suggestion(std::string_view word, const std::vector<std::string>& known) {
  std::vector<std::string_view> names(known.begin(), known.end());
  std::vector<std::string> close = closest_names(word, names, 1);
  return close.empty() ? "" : fmt::format("; did you mean '{}'?", close.front());
}

std::vector<std::string> command_names(CLI::App& group) {
  std::vector<std::string> names;
  for (const CLI::App* command : group.get_subcommands(is_visible)) {
    names.push_back(command->get_name());
    for (const std::string& alias : command->get_aliases()) {
      names.push_back(alias);
    }
  }
  return names;
}

// The options `command` accepts: its own and, as global options fall through, those of the
// commands above it.
std::vector<const CLI::Option*> accepted_options(CLI::App& command) {
  std::vector<const CLI::Option*> options;
  for (CLI::App* at = &command; at != nullptr; at = at->get_parent()) {
    for (const CLI::Option* option : at->get_options()) {
      if (!option->get_group().empty() && option->nonpositional()) {
        options.push_back(option);
      }
    }
  }
  return options;
}

std::vector<std::string> option_names(CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : accepted_options(command)) {
    for (const std::string& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
    for (const std::string& name : option->get_snames()) {
      names.push_back("-" + name);
    }
  }
  return names;
}

// How messages name an option: its long name ("--description" for "-d,--description").
std::string display_name(const CLI::Option& option) {
  if (!option.get_lnames().empty()) {
    return "--" + option.get_lnames().front();
  }
  if (!option.get_snames().empty()) {
    return "-" + option.get_snames().front();
  }
  return "<" + option.get_name() + ">";
}

// The option a CLI11 message names ("--limit", "-d" or "key-id") as llmgw names it.
std::string named_option(CLI::App& command, const std::string& name) {
  for (CLI::App* at = &command; at != nullptr; at = at->get_parent()) {
    for (const CLI::Option* option : at->get_options()) {
      if (option->check_name(name)) {
        return display_name(*option);
      }
    }
  }
  return name;
}

// "unknown option '--limti'; did you mean '--limit'?" for the first word of `extras` that
// looks like an option, or "".
std::string unknown_option(CLI::App& command, const std::vector<std::string>& extras) {
  auto option = std::find_if(extras.begin(), extras.end(),
                             [](const std::string& word) { return word.rfind("-", 0) == 0; });
  if (option == extras.end()) {
    return "";
  }
  std::string name = option->substr(0, option->find('='));
  return fmt::format("unknown option '{}'{}", name, suggestion(name, option_names(command)));
}

bool has_subcommands(CLI::App& command) {
  return !command.get_subcommands(is_visible).empty();
}

std::string unexpected(CLI::App& command, CLI::App& app) {
  std::vector<std::string> extras = app.remaining(true);
  // An unknown option explains the value after it, which CLI11 reports too.
  if (std::string unknown = unknown_option(command, extras); !unknown.empty()) {
    return unknown;
  }
  std::string word = extras.empty() ? "" : extras.front();
  if (has_subcommands(command)) {
    return fmt::format("unknown command '{}'{}", word,
                       suggestion(word, command_names(command)));
  }
  return fmt::format("unexpected argument '{}'", word);
}

std::string missing(CLI::App& command) {
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_required() && option->count() == 0) {
      return option->nonpositional() ? fmt::format("missing option {}", display_name(*option))
                                     : fmt::format("missing argument {}", display_name(*option));
    }
  }
  return "";
}

// Rewrites the CLI11 messages whose wording llmgw knows; "" for any other.
std::string reworded(const CLI::ParseError& error, CLI::App& command) {
  const std::string what = error.what();
  std::smatch m;
  auto matches = [&](const char* pattern) {
    return std::regex_match(what, m, std::regex(pattern));
  };
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr &&
      matches("(\\S+): At Most .*")) {
    return fmt::format("option {} given more than once", named_option(command, m[1]));
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr &&
      (matches("(\\S+): .*") || matches("Expected .* arguments to (\\S+?),? .*"))) {
    return fmt::format("option {} needs a value", named_option(command, m[1]));
  }
  if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr &&
      matches("(\\S+): Value (\\S+) not in range (\\S+) to (\\S+)")) {
    return fmt::format("invalid {} '{}': expected a whole number from {} to {}",
                       named_option(command, m[1]), m[2].str(), m[3].str(), m[4].str());
  }
  if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr &&
      matches("(\\S+): (\\S+) not in \\{(.*)\\}")) {
    return fmt::format("invalid {} '{}': expected one of {}", named_option(command, m[1]),
                       m[2].str(), std::regex_replace(m[3].str(), std::regex(","), ", "));
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr &&
      (matches("Could not convert: (\\S+) = (.*)") ||
       matches("The value (.*) is not an allowed value for (\\S+)"))) {
    bool converting = what.rfind("Could", 0) == 0;
    std::string name = named_option(command, m[converting ? 1 : 2]);
    return fmt::format("invalid {} '{}': expected a whole number", name,
                       m[converting ? 2 : 1].str());
  }
  // A command refuses an option of the command above it (cli/logs_prune_command.cc).
  if (dynamic_cast<const CLI::ExcludesError*>(&error) != nullptr &&
      matches("(\\S+) excludes (\\S+)") && m[1] == command.get_name() &&
      command.get_parent() != nullptr) {
    return fmt::format("option {} belongs to '{}', not to '{}'", named_option(command, m[2]),
                       command_path(*command.get_parent()), command_path(command));
  }
  if (dynamic_cast<const CLI::ExcludesError*>(&error) != nullptr &&
      matches("(\\S+) excludes (\\S+)")) {
    return fmt::format("{} and {} cannot be used together", named_option(command, m[1]),
                       named_option(command, m[2]));
  }
  if (dynamic_cast<const CLI::RequiresError*>(&error) != nullptr &&
      matches("(\\S+) requires (\\S+)")) {
    return fmt::format("{} needs {}", named_option(command, m[1]), named_option(command, m[2]));
  }
  return "";
}

// The deepest command the line names: `app` itself when it names none. After a ParseError,
// the one that was being parsed.
CLI::App& selected_command(CLI::App& app) {
  CLI::App* at = &app;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
  }
  return *at;
}

}  // namespace

std::string usage_error_message(const CLI::ParseError& error, CLI::App& app) {
  CLI::App& command = selected_command(app);
  std::string message;
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    message = unexpected(command, app);
  } else if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    // `--discription x` is why --description is missing: the typo is the news.
    message = unknown_option(command, app.remaining(true));
    if (message.empty()) {
      message = missing(command);
    }
  } else {
    message = reworded(error, command);
  }
  if (message.empty()) {  // a CLI11 message llmgw has no words for: its own, in lower case
    message = error.what();
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  }
  return fmt::format("{}\n{}", message, help_pointer(app));
}

std::string help_pointer(CLI::App& app) {
  return fmt::format("see '{} --help'", command_path(selected_command(app)));
}

}  // namespace llmgw::cli
