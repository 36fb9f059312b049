#include "cli/jq_filter.h"

#include "core/error.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace llmgw::cli {

namespace {

std::optional<std::string> find_on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    std::size_t end = std::min(dirs.find(':'), dirs.size());
    std::string dir(dirs.substr(0, end));
    std::string file = (dir.empty() ? std::string(".") : dir) + "/" + std::string(name);
    if (::access(file.c_str(), X_OK) == 0) {
      return file;
    }
    if (end == dirs.size()) {
      return std::nullopt;
    }
    dirs.remove_prefix(end + 1);
  }
}

}  // namespace

JqFilter::JqFilter(const std::string& expression) {
  std::optional<std::string> jq = find_on_path("jq");
  if (!jq) {
    throw_invalid("--jq needs the jq program (apt install jq)");
  }
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) {
    throw_io(fmt::format("cannot start jq: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[0], STDIN_FILENO);
  // -r: strings print raw, as with gh's --jq, so that `ID=$(llmgw key show ... --jq .id)`
  // needs no unquoting.
  std::string name = "jq";
  std::string raw = "-r";
  std::string program = expression;
  char* argv[] = {name.data(), raw.data(), program.data(), nullptr};
  std::fflush(stdout);
  int spawned = ::posix_spawn(&m_pid, jq->c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_ends[0]);
  if (spawned != 0) {
    ::close(pipe_ends[1]);
    m_pid = -1;
    throw_io(fmt::format("cannot start jq: {}", std::strerror(spawned)));
  }
  ::dup2(pipe_ends[1], STDOUT_FILENO);
  ::close(pipe_ends[1]);
  // When jq stops reading (a bad expression), a write fails with EPIPE rather than
  // killing llmgw, and finish() reports jq's status.
  std::signal(SIGPIPE, SIG_IGN);
}

JqFilter::~JqFilter() {
  if (m_pid > 0) {
    finish();
  }
}

int JqFilter::finish() {
  std::fflush(stdout);
  ::close(STDOUT_FILENO);
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_pid = -1;
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace llmgw::cli
