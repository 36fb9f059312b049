#pragma once
// `llmgw serve` running in the background for a test: started on a free loopback port,
// stopped by its own process id when the test ends.
#include "tests/support/background_process.h"

#include <map>
#include <string>
#include <vector>

namespace test {

class DaemonProcess {
public:
  // Runs `llmgw --db <db> serve --listen 127.0.0.1:0 <args...>` with `env` added, and waits
  // (at most 20 s) for its "listening" line. Throws std::runtime_error when it does not come.
  DaemonProcess(const std::string& db, const std::vector<std::string>& args = {},
                const std::map<std::string, std::string>& env = {});
  ~DaemonProcess();  // SIGTERM, then SIGKILL after 20 s

  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int port() const { return m_port; }
  int pid() const { return m_process.pid(); }
  // Sends `signal` and waits (at most `timeout_seconds`) for the exit; returns the exit
  // code, or 128 + signal number, or -1 when it did not exit in time.
  int stop(int signal, int timeout_seconds = 20);
  // Waits (at most `timeout_seconds`) for the exit of a daemon already signalled, sending
  // nothing: a second signal would end its drain at once. Returns as stop() does.
  int wait(int timeout_seconds = 20);
  // Everything the daemon wrote to stderr so far.
  std::string stderr_text() const { return m_process.err(); }
  // Everything the daemon wrote to stdout so far.
  std::string stdout_text() const { return m_process.out(); }

private:
  BackgroundProcess m_process;
  int m_port = 0;
};

}  // namespace test
