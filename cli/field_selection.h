#pragma once
// --json=FIELDS: the fields of a command's records that a script wants, as gh's --json
// chooses them. The rest of the document (a list's wrapper, such as "keys") stays.
#include "cli/json_shapes.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::cli {

class FieldSelection {
public:
  // `list`: comma-separated field names, as given after --json=. Throws Error(invalid)
  // "unknown JSON field 'idd'; available: created_at, ..." for a name `shape` lacks.
  FieldSelection(const JsonShape& shape, std::string_view list);

  // `document` with no more than the chosen fields in each of its records (JsonShape::
  // records); a record that lacks a field leaves it out.
  nlohmann::json apply(const nlohmann::json& document) const;
  // One record with no more than the chosen fields: for outputs written record by record
  // (key list, logs).
  nlohmann::json select(const nlohmann::json& record) const;

private:

  const JsonShape& m_shape;
  std::vector<std::string> m_fields;
};

}  // namespace llmgw::cli
