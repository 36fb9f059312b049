#include "tests/support/terminal.h"

namespace test {

namespace {

// Single quotes around `text` for sh.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

}  // namespace

Result on_terminal(const std::string& db, const std::vector<std::string>& args,
                   const std::string& answer) {
  std::string command = quoted(llmgw_bin()) + " --db " + quoted(db);
  for (const std::string& arg : args) {
    command += " " + quoted(arg);
  }
  RunOptions options;
  options.stdin_text = answer;
  options.timeout_seconds = 20;
  Result r = run({"/usr/bin/script", "-qe", "-E", "never", "-c", command, "/dev/null"}, options);
  std::string screen;
  for (std::size_t i = 0; i < r.out.size(); ++i) {
    if (!(r.out[i] == '\r' && i + 1 < r.out.size() && r.out[i + 1] == '\n')) {
      screen += r.out[i];
    }
  }
  r.out = screen;
  return r;
}

}  // namespace test
