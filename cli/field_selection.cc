#include "cli/field_selection.h"

#include "core/error.h"

#include <fmt/format.h>

#include <algorithm>

namespace llmgw::cli {

FieldSelection::FieldSelection(const JsonShape& shape, std::string_view list) : m_shape(shape) {
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = std::min(list.find(',', start), list.size());
    std::string field(list.substr(start, end - start));
    if (std::find(shape.fields.begin(), shape.fields.end(), field) == shape.fields.end()) {
      throw_invalid(fmt::format("unknown JSON field '{}'; available: {}", field,
                                fmt::join(shape.fields, ", ")));
    }
    m_fields.push_back(std::move(field));
    start = end + 1;
  }
}

nlohmann::json FieldSelection::select(const nlohmann::json& record) const {
  if (!record.is_object()) {
    return record;
  }
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& field : m_fields) {
    if (auto found = record.find(field); found != record.end()) {
      out[field] = *found;
    }
  }
  return out;
}

nlohmann::json FieldSelection::apply(const nlohmann::json& document) const {
  if (m_shape.records.empty()) {
    return select(document);
  }
  nlohmann::json out = document;
  for (std::string_view name : m_shape.records) {
    auto member = out.find(std::string(name));
    if (member == out.end()) {
      continue;
    }
    if (member->is_array()) {
      for (nlohmann::json& record : *member) {
        record = select(record);
      }
    } else {
      *member = select(*member);
    }
  }
  return out;
}

}  // namespace llmgw::cli
