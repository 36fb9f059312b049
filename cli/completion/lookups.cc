#include "cli/completion/lookups.h"

namespace llmgw::cli {

std::string sh_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

std::string lookups(const CompletionTables& tables, std::string_view prefix,
                    const LookupWriter& write, Descriptions descriptions) {
  const std::string name(prefix);
  return write(name + "subcommands", tables.subcommands, descriptions) +
         write(name + "options", tables.options, descriptions) +
         write(name + "values", tables.values, Descriptions::no) +
         write(name + "positionals", tables.positionals, Descriptions::no);
}

std::string sh_lookup(std::string_view name, const LookupTable& table, Descriptions descriptions) {
  std::string out = std::string(name) + "() {\n  case $1 in\n";
  for (const Lookup& lookup : table) {
    std::string keys;
    for (const std::string& key : lookup.keys) {
      keys += (keys.empty() ? "    " : " | \\\n    ") + sh_quote(key);
    }
    out += keys + ")\n";
    out += descriptions == Descriptions::yes ? "      printf '%s\\t%s\\n'" : "      printf '%s\\n'";
    for (const Offer& candidate : lookup.candidates) {
      out += " \\\n        " + sh_quote(candidate.word);
      if (descriptions == Descriptions::yes) {
        out += " " + sh_quote(candidate.description);
      }
    }
    out += "\n      ;;\n";
  }
  return out + "  esac\n}\n";
}

}  // namespace llmgw::cli
