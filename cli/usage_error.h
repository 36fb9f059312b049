#pragma once
// What a command line that CLI11 refuses gets as an answer: the problem in llmgw's words, a
// guess when a name is close to a real one, and the help to read, on two lines:
//   unknown option '--discription'; did you mean '--description'?
//   see 'llmgw key create --help'
#include <CLI/CLI.hpp>

#include <string>

namespace llmgw::cli {

// The message for `error`, which parsing `app` threw and which is not a request for help or
// the version; without the "llmgw: error: " prefix and the last newline.
std::string usage_error_message(const CLI::ParseError& error, CLI::App& app);

// "see 'llmgw key create --help'": the help of the deepest command `app` parsed, which the
// usage errors of commands (Error(invalid), exit 2) end with as parse errors do.
std::string help_pointer(CLI::App& app);

}  // namespace llmgw::cli
