#pragma once
// Runs a program to completion and captures what it printed.
#include <map>
#include <string>
#include <vector>

namespace test {

struct Result {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the current environment
  std::vector<std::string> unset_env;      // removed from it
  std::string stdin_text;
  int umask = -1;                          // set in the child when >= 0
  int timeout_seconds = 30;                // the child is killed past this
};

// Runs `argv` (argv[0] a path). Throws std::runtime_error when it cannot start.
Result run(const std::vector<std::string>& argv, const RunOptions& options = {});

// The `llmgw` binary under test: $LLMGW_BIN, which CTest sets.
const std::string& llmgw_bin();

// Runs `llmgw --db <db> <args...>`.
Result llmgw(const std::string& db, const std::vector<std::string>& args,
             const RunOptions& options = {});

}  // namespace test
