#include "tests/support/daemon_process.h"

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <regex>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace test {

namespace {

int wait_for_exit(int pid, int timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

DaemonProcess::DaemonProcess(const std::string& db, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  char path[] = "/tmp/llmgw-daemon-stderr-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    throw std::runtime_error("mkstemp failed");
  }
  m_stderr_path = path;
  std::vector<std::string> argv = {llmgw_bin(), "--db", db, "serve", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  m_pid = fork();
  if (m_pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (m_pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(fd, 2);
    for (const auto& [name, value] : env) {
      setenv(name.c_str(), value.c_str(), 1);
    }
    std::vector<char*> raw;
    for (auto& a : argv) {
      raw.push_back(a.data());
    }
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  close(fd);
  m_running = true;
  std::regex listening(R"re("event":"listening".*"port":(\d+))re");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string text = stderr_text();
    if (std::regex_search(text, match, listening)) {
      m_port = std::stoi(match[1]);
      return;
    }
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_running = false;
      throw std::runtime_error("llmgw serve exited early: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop(SIGKILL);
  throw std::runtime_error("llmgw serve did not start listening: " + stderr_text());
}

DaemonProcess::~DaemonProcess() {
  if (m_running && stop(SIGTERM) < 0) {
    stop(SIGKILL);
  }
  unlink(m_stderr_path.c_str());
}

int DaemonProcess::stop(int signal, int timeout_seconds) {
  if (!m_running) {
    return -1;
  }
  kill(m_pid, signal);
  int code = wait_for_exit(m_pid, timeout_seconds);
  if (code >= 0) {
    m_running = false;
  }
  return code;
}

std::string DaemonProcess::stderr_text() const {
  return read_file(m_stderr_path);
}

}  // namespace test
