#include "daemon/runtime/event_signal.h"

#include <cstdint>
#include <unistd.h>

namespace llmgw::daemon {

void signal_event(int event) {
  std::uint64_t one = 1;
  ssize_t ignored = ::write(event, &one, sizeof one);
  (void)ignored;
}

void reset_event(int event) {
  std::uint64_t count;
  ssize_t ignored = ::read(event, &count, sizeof count);
  (void)ignored;
}

}  // namespace llmgw::daemon
