#pragma once

namespace llmgw::cli {

// Parses the command line, runs the command and returns the process exit code:
// 0 ok, 1 failure, 2 usage error, 3 not found, 4 conflict.
int run(int argc, char** argv);

}  // namespace llmgw::cli
