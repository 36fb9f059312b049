#pragma once
#include <string>

namespace test {

// Every table's schema and rows, in a stable order, as one string: two databases with the
// same dump hold the same data. "" when the file does not exist.
std::string dump_database(const std::string& path);

}  // namespace test
