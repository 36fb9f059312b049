#pragma once
// What must hold in a database after any crash of any process: SQLite finds the file
// intact, each key's lifetime and current-period usage is the sum of its logged costs,
// and the hourly roll-ups are exactly what the log up to their progress row adds up to.
#include <string>
#include <vector>

namespace test {

// One line per violation ("integrity: ...", "usage: <key> <usage> <logged>", "period
// usage: ...", "roll-up progress past the log: <id>", "roll-up not in the log: <row>",
// "log not in the roll-up: <row>"), each
// ending in a newline; "" when everything holds.
std::string ledger_violations(const std::string& db);

// The ids among `request_ids` that have no row in the request log, in the order given.
std::vector<std::string> missing_log_rows(const std::string& db,
                                          const std::vector<std::string>& request_ids);

}  // namespace test
