#pragma once
// SIGINT and SIGTERM as a request to stop, for commands that run until told (logs --follow).
// While a StopSignals lives, either signal sets a flag instead of ending the process; the
// previous handlers come back when it is destroyed. One at a time per process.
#include <chrono>

namespace llmgw::cli {

class StopSignals {
public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The signal received, or 0.
  int received() const;
  // Sleeps for `duration`, or less when a signal arrives.
  void sleep(std::chrono::milliseconds duration) const;
};

}  // namespace llmgw::cli
