#include "daemon/runtime/event_log.h"

#include <unistd.h>

namespace llmgw::daemon {

void log_line(const nlohmann::ordered_json& line) {
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;  // logging must never fail the work it reports on
}

}  // namespace llmgw::daemon
