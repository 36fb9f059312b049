#include "tests/support/background_process.h"

#include "tests/support/process.h"

#include <csignal>
#include <fcntl.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace test {

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& env) {
  int out = open(m_dir.file("stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err = open(m_dir.file("stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0 || err < 0) {
    throw std::runtime_error("cannot create the output files of a background process");
  }
  m_pid = fork();
  if (m_pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (m_pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (const auto& [name, value] : env) {
      setenv(name.c_str(), value.c_str(), 1);
    }
    std::vector<char*> raw;
    for (const auto& a : argv) {
      raw.push_back(const_cast<char*>(a.c_str()));
    }
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  close(out);
  close(err);
  m_running = true;
}

BackgroundProcess::~BackgroundProcess() {
  if (m_running) {
    stop(SIGKILL);
  }
}

bool BackgroundProcess::wait_for_output(const std::function<bool(const std::string&)>& done,
                                        std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(out())) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool BackgroundProcess::running() {
  int status = 0;
  if (m_running && waitpid(m_pid, &status, WNOHANG) == m_pid) {
    m_running = false;
  }
  return m_running;
}

int BackgroundProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (!m_running) {
    return -1;
  }
  kill(m_pid, signal);
  return wait(timeout);
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  if (!m_running) {
    return -1;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_running = false;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::vector<std::string> llmgw_argv(const std::string& db, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {llmgw_bin(), "--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace test
