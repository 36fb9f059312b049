#pragma once
// How commands print: data on stdout, messages on stderr. Tables are for people at a
// terminal; anywhere else they are tab-separated lines for programs (cut, awk, read).
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace llmgw::cli {

class Context;

// One JSON document and a newline on stdout, with no more than the fields --json=FIELDS
// chose (Context::selection).
void print_json(const Context& context, const nlohmann::json& document);
// A line on stderr, for people; scripts read stdout.
void tell(const std::string& message);

enum class TableLayout { aligned, tab_separated };
enum class Headers { yes, no };
struct TableStyle {
  TableLayout layout = TableLayout::aligned;
  Headers headers = Headers::yes;
};

// The cells joined by tabs, with "\n" at the end. A tab, carriage return or line feed in a
// cell becomes a space, so that a line is always one row and a tab always ends a cell.
std::string tab_separated_line(const std::vector<std::string>& cells);

// A header row and rows. Aligned, columns are two spaces apart and cells are counted in
// UTF-8 characters, so descriptions in any language line up.
class Table {
public:
  explicit Table(std::vector<std::string> headers) : m_rows{std::move(headers)} {}
  void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  std::string render(TableStyle style) const;

private:
  std::vector<std::vector<std::string>> m_rows;
};

// The table on stdout in the context's style (Context::table_style).
void print_table(const Context& context, const Table& table);

// "key: value" lines with the keys aligned, for one record.
std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace llmgw::cli
