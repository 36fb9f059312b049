#pragma once

namespace llmgw::cli {

// Parses the command line, runs the command and returns the process exit code:
// 0 ok, 1 failure, 2 usage error, 3 not found, 4 conflict, 5 denied (`key check`), 130
// interrupted (`logs --follow`).
int run(int argc, char** argv);

}  // namespace llmgw::cli
