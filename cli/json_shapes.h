#pragma once
// The JSON fields of every command that prints JSON, in one place: --json=FIELDS is checked
// against them (cli/field_selection.h), each command's man page lists them under JSON
// FIELDS, and tests/cli/json_fields_test.cc holds the three together (the fields declared
// here, those the command prints, those its page lists).
#include <string_view>
#include <vector>

namespace llmgw::cli {

struct JsonShape {
  // The command's names from `llmgw` on, aliases resolved: "key rule delete".
  std::string_view command;
  // The members of the document that hold its records: an array of records, or one record.
  // None: the document is the record (and with `logs`, each line is one).
  std::vector<std::string_view> records;
  // A record's fields, sorted. A record may lack some: an ungrouped usage row has no
  // "model", a key that was not there to delete has only "id" and "deleted", `logs prune
  // --dry-run` says "would_delete" for "deleted".
  std::vector<std::string_view> fields;
};

// Every command that prints JSON, in the order of `llmgw --help-all`.
const std::vector<JsonShape>& json_shapes();
// The shape of `command`, or nullptr when it prints no JSON.
const JsonShape* find_json_shape(std::string_view command);

}  // namespace llmgw::cli
