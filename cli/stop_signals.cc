#include "cli/stop_signals.h"

#include <csignal>
#include <ctime>

namespace llmgw::cli {

namespace {

volatile std::sig_atomic_t g_received = 0;
struct sigaction g_previous_int{};
struct sigaction g_previous_term{};

void on_signal(int signal) {
  g_received = signal;
}

}  // namespace

StopSignals::StopSignals() {
  g_received = 0;
  struct sigaction action{};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a sleep ends early
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

int StopSignals::received() const {
  return g_received;
}

void StopSignals::sleep(std::chrono::milliseconds duration) const {
  if (g_received != 0) {
    return;
  }
  auto ms = duration.count();
  timespec request{static_cast<std::time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000};
  nanosleep(&request, nullptr);  // EINTR on a signal: the caller checks received()
}

}  // namespace llmgw::cli
