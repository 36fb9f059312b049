#include "tests/support/daemon_process.h"

#include <chrono>
#include <csignal>
#include <regex>
#include <stdexcept>
#include <thread>

namespace test {

namespace {

std::vector<std::string> serve_argv(const std::string& db, const std::vector<std::string>& args) {
  std::vector<std::string> serve = {"serve", "--listen", "127.0.0.1:0"};
  serve.insert(serve.end(), args.begin(), args.end());
  return llmgw_argv(db, serve);
}

}  // namespace

DaemonProcess::DaemonProcess(const std::string& db, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env)
    : m_process(serve_argv(db, args), env) {
  const std::regex listening(R"re("event":"listening".*"port":(\d+))re");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string text = m_process.err();
    if (std::regex_search(text, match, listening)) {
      m_port = std::stoi(match[1]);
      return;
    }
    if (!m_process.running()) {
      throw std::runtime_error("llmgw serve exited early: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m_process.stop(SIGKILL);
  throw std::runtime_error("llmgw serve did not start listening: " + m_process.err());
}

DaemonProcess::~DaemonProcess() {
  if (stop(SIGTERM) < 0) {
    stop(SIGKILL);
  }
}

int DaemonProcess::stop(int signal, int timeout_seconds) {
  return m_process.stop(signal, std::chrono::seconds(timeout_seconds));
}

int DaemonProcess::wait(int timeout_seconds) {
  return m_process.wait(std::chrono::seconds(timeout_seconds));
}

}  // namespace test
