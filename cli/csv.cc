#include "cli/csv.h"

namespace llmgw::cli {

std::string csv_record(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string& cell = cells[i];
    if (i > 0) {
      line += ',';
    }
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      line += cell;
      continue;
    }
    line += '"';
    for (char c : cell) {
      line += c;
      if (c == '"') {
        line += '"';
      }
    }
    line += '"';
  }
  return line + "\n";
}

}  // namespace llmgw::cli
