#pragma once
// How commands print: data on stdout, messages on stderr.
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace llmgw::cli {

// One JSON document and a newline on stdout.
void print_json(const nlohmann::json& document);
// A line on stderr, for people; scripts read stdout.
void tell(const std::string& message);

// Columns aligned with two spaces, a header row first. Cells are counted in UTF-8
// characters so descriptions in any language line up.
class Table {
public:
  explicit Table(std::vector<std::string> headers) : m_rows{std::move(headers)} {}
  void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  std::string render() const;

private:
  std::vector<std::vector<std::string>> m_rows;
};

// "key: value" lines with the keys aligned, for one record.
std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace llmgw::cli
