#pragma once
// --jq EXPR: llmgw's stdout goes through the jq program, as `| jq -r EXPR` would, but
// without a shell: the expression is one argument of jq. jq starts before the command runs, so
// long and endless outputs (key list, logs --follow) stream through it.
#include <string>

#include <sys/types.h>

namespace llmgw::cli {

class JqFilter {
public:
  // Starts jq (found on PATH) reading what llmgw writes to stdout from now on; jq writes
  // to what stdout was, and to the same stderr. Throws Error(invalid) "--jq needs the jq
  // program (apt install jq)" when PATH has none, Error(io) when it cannot be started.
  explicit JqFilter(const std::string& expression);
  JqFilter(const JqFilter&) = delete;
  JqFilter& operator=(const JqFilter&) = delete;
  ~JqFilter();

  // Ends jq's input (stdout is closed) and waits for jq: its exit status, or 128 + the
  // signal that ended it. Call once, after the command wrote its last byte.
  int finish();

private:
  pid_t m_pid = -1;
};

}  // namespace llmgw::cli
