#include "cli/completion/command_tree.h"

#include "cli/completion/value_hint.h"

#include <algorithm>

namespace llmgw::cli {

namespace {

std::vector<std::string> names_of(const CLI::App& command) {
  std::vector<std::string> names{command.get_name()};
  const auto& aliases = command.get_aliases();
  names.insert(names.end(), aliases.begin(), aliases.end());
  return names;
}

std::vector<std::string> names_of(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const std::string& name : option.get_snames()) {
    names.push_back("-" + name);
  }
  for (const std::string& name : option.get_lnames()) {
    names.push_back("--" + name);
  }
  return names;
}

bool visible(const CLI::App* command) {
  return !command->get_group().empty();
}

// Adds `candidates` under `keys`, to the entry that already gives the same candidates if
// there is one: the script then has one branch per distinct answer.
void add(LookupTable& table, const std::vector<std::string>& keys, std::vector<Offer> candidates) {
  auto same = std::find_if(table.begin(), table.end(), [&](const Lookup& lookup) {
    return std::equal(lookup.candidates.begin(), lookup.candidates.end(), candidates.begin(),
                      candidates.end(), [](const Offer& a, const Offer& b) {
                        return a.word == b.word && a.description == b.description;
                      });
  });
  if (same == table.end()) {
    table.push_back({keys, std::move(candidates)});
  } else {
    same->keys.insert(same->keys.end(), keys.begin(), keys.end());
  }
}

std::vector<std::string> keyed(const std::vector<std::string>& paths, const std::string& suffix) {
  std::vector<std::string> keys;
  for (const std::string& path : paths) {
    keys.push_back(path + "|" + suffix);
  }
  return keys;
}

class Walker {
public:
  // llmgw's own options, --version aside, are global: every command takes them.
  explicit Walker(CLI::App& root)
      : m_globals(root.get_options([&root](CLI::Option* option) {
          return option->nonpositional() && option != root.get_version_ptr();
        })) {}

  // `paths`: every way the command is typed.
  void walk(CLI::App& command, const std::vector<std::string>& paths) {
    std::vector<CLI::Option*> options = command.get_options(
        [](CLI::Option* option) { return option->nonpositional(); });
    for (CLI::Option* option : m_globals) {
      if (!offered(options, *option)) {
        options.push_back(option);
      }
    }
    add_options(paths, options);
    add_positionals(command, paths);
    std::vector<Offer> subcommands;
    for (CLI::App* sub : command.get_subcommands(visible)) {
      for (const std::string& name : names_of(*sub)) {
        subcommands.push_back({name, sub->get_description()});
      }
      std::vector<std::string> sub_paths;
      for (const std::string& path : paths) {
        for (const std::string& name : names_of(*sub)) {
          sub_paths.push_back(path.empty() ? name : path + " " + name);
        }
      }
      walk(*sub, sub_paths);
    }
    if (!subcommands.empty()) {
      add(m_tables.subcommands, paths, std::move(subcommands));
    }
  }

  CompletionTables tables() && { return std::move(m_tables); }

private:
  // Whether an option of that name is already among `options` (--help is on every command).
  static bool offered(const std::vector<CLI::Option*>& options, const CLI::Option& option) {
    return std::any_of(options.begin(), options.end(), [&](const CLI::Option* o) {
      return names_of(*o) == names_of(option);
    });
  }

  void add_options(const std::vector<std::string>& paths,
                   const std::vector<CLI::Option*>& options) {
    std::vector<Offer> candidates;
    for (CLI::Option* option : options) {
      for (const std::string& name : names_of(*option)) {
        candidates.push_back({name, option->get_description()});
        if (option->get_expected_max() > 0) {  // not a flag
          add(m_tables.values, keyed(paths, name), {{completion_hint(*option).value_or("text"), ""}});
        }
      }
    }
    add(m_tables.options, paths, std::move(candidates));
  }

  void add_positionals(CLI::App& command, const std::vector<std::string>& paths) {
    std::vector<CLI::Option*> positionals = command.get_options(
        [](CLI::Option* option) { return option->get_positional(); });
    for (std::size_t i = 0; i < positionals.size(); ++i) {
      add(m_tables.positionals, keyed(paths, std::to_string(i)),
          {{completion_hint(*positionals[i]).value_or("text"), ""}});
    }
  }

  const std::vector<CLI::Option*> m_globals;
  CompletionTables m_tables;
};

}  // namespace

CompletionTables completion_tables(CLI::App& root) {
  Walker walker(root);
  walker.walk(root, {""});
  return std::move(walker).tables();
}

}  // namespace llmgw::cli
