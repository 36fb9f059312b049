#pragma once
// Running the real `llmgw` on a pseudo-terminal, as a person at a terminal would.
#include "tests/support/process.h"

#include <string>
#include <vector>

namespace test {

// Runs `llmgw --db <db> <args...>` on a pseudo-terminal (script(1)) that types `answer`
// without echoing it: the exit code, and what the terminal showed (stdout and stderr
// together) with "\r\n" made "\n".
Result on_terminal(const std::string& db, const std::vector<std::string>& args,
                   const std::string& answer = "");

}  // namespace test
