#pragma once
// Comma-separated values as RFC 4180 quotes them, one record per line ending in "\n".
#include <string>
#include <vector>

namespace llmgw::cli {

// The cells joined by commas; a cell with a comma, a double quote or a line break is
// enclosed in double quotes, with its double quotes doubled.
std::string csv_record(const std::vector<std::string>& cells);

}  // namespace llmgw::cli
