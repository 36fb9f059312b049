// Every command that does something (all but the groups) ends its --help with an
// "Examples:" block of one to three invocations of that very command (or its alias), as its
// man page does.
#include "tests/support/cli_outcome.h"
#include "tests/support/temp_dir.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <sstream>

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

struct Command {
  std::vector<std::string> words;  // "key", "rule", "delete"
  std::vector<std::string> names;  // the last word and its aliases: "delete", "rm"
};

// The commands of the "Subcommands:" block of a --help: "  delete, rm    delete a key ...".
std::vector<Command> subcommands(const Command& parent, const std::string& help) {
  std::vector<Command> found;
  bool in_block = false;
  std::regex entry("  ([a-z][a-z-]*)((, [a-z][a-z-]*)*)  .*");
  for (const std::string& line : lines_of(help)) {
    std::smatch m;
    if (line == "Subcommands:") {
      in_block = true;
    } else if (in_block && std::regex_match(line, m, entry)) {
      Command command{parent.words, {m[1].str()}};
      command.words.push_back(m[1].str());
      std::string aliases = m[2].str();
      for (std::size_t at = 0; (at = aliases.find(", ", at)) != std::string::npos;) {
        std::size_t end = aliases.find(", ", at + 2);
        command.names.push_back(aliases.substr(at + 2, end - at - 2));
        at += 2;
      }
      found.push_back(command);
    } else if (line.empty()) {
      in_block = false;
    }
  }
  return found;
}

// The invocation an example line makes, global options dropped: "llmgw --json key list |
// jq ..." is "key list ...".
std::string invocation(const std::string& example) {
  std::smatch m;
  if (!std::regex_search(example, m, std::regex("llmgw((?: --json| --db \\S+)*) (.*)"))) {
    return "";
  }
  return m[2].str();
}

}  // namespace

// The commands that only group others (cli/command_group.h).
const std::vector<std::string> k_groups = {"", "key", "key rule", "model", "provider", "catalog"};

TEST_CASE("cli: the --help of every command that acts ends with examples of it") {
  test::TempDir dir;
  std::string db = dir.file("llmgw.db");
  std::vector<Command> pending = {{}};
  std::size_t acting = 0;
  while (!pending.empty()) {  // bounded: the command tree is finite and has no cycles
    Command command = pending.back();
    pending.pop_back();
    std::vector<std::string> args = command.words;
    args.push_back("--help");
    test::Result help = test::llmgw(db, args);
    std::string path = fmt::format("{}", fmt::join(command.words, " "));
    CAPTURE(path);
    REQUIRE(help.exit_code == 0);
    std::vector<Command> children = subcommands(command, help.out);
    pending.insert(pending.end(), children.begin(), children.end());
    if (std::find(k_groups.begin(), k_groups.end(), path) != k_groups.end()) {
      CHECK(help.out.find("\nExamples:\n") == std::string::npos);
      continue;
    }
    ++acting;
    std::size_t block = help.out.rfind("\nExamples:\n");
    REQUIRE(block != std::string::npos);
    std::vector<std::string> examples = lines_of(help.out.substr(block + 1));
    REQUIRE(examples.size() >= 2);
    CHECK(examples.size() <= 4);
    for (std::size_t i = 1; i < examples.size(); ++i) {
      CAPTURE(examples[i]);
      CHECK(examples[i].rfind("  ", 0) == 0);
      std::string words = invocation(examples[i]);
      bool names_it = false;
      for (const std::string& name : command.names) {
        std::vector<std::string> said = command.words;
        said.back() = name;
        std::string expected = fmt::format("{}", fmt::join(said, " "));
        names_it = names_it || words == expected || words.rfind(expected + " ", 0) == 0;
      }
      CHECK(names_it);
    }
  }
  CHECK(acting == 33);
}
