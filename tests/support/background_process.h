#pragma once
// A program running in the background for a test (`llmgw logs --follow`): its stdout and
// stderr go to files, and it is stopped by its own process id, at the latest on destruction.
#include "tests/support/temp_dir.h"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace test {

class BackgroundProcess {
public:
  // Starts `argv` (argv[0] a path) with `env` added to the environment. Throws
  // std::runtime_error when it cannot start.
  explicit BackgroundProcess(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env = {});
  ~BackgroundProcess();  // SIGKILL when still running
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int pid() const { return m_pid; }
  std::string out() const { return read_file(m_dir.file("stdout")); }
  std::string err() const { return read_file(m_dir.file("stderr")); }
  // Polls every 10 ms until `done(stdout so far)` holds; false after `timeout`.
  bool wait_for_output(const std::function<bool(const std::string&)>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Sends `signal` and waits (at most `timeout`) for the exit; returns the exit code, or
  // 128 + signal number, or -1 when it did not exit in time.
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits (at most `timeout`) for the exit, sending nothing; returns as stop() does.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // False once it has exited (it is reaped then).
  bool running();

private:
  TempDir m_dir;
  int m_pid = -1;
  bool m_running = false;
};

// Runs `llmgw --db <db> <args...>` in the background.
std::vector<std::string> llmgw_argv(const std::string& db, const std::vector<std::string>& args);

}  // namespace test
