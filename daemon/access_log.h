#pragma once
// One JSON line per request on stderr, event "request", level warn for a 5xx and info
// otherwise (daemon/runtime/event_log.h). It names the key by id and the model, never a
// secret, a header value or any prompt or response text. The strings a client chose (the
// path, the model) come bounded (core/logged_string.h). Its fields have the names and
// meaning of the same fields of `llmgw --json logs` (cli/log_view.h), and an absent value
// is null there and here.
#include "core/money.h"

#include <cstdint>
#include <string>

namespace llmgw::daemon {

struct AccessEntry {
  std::string request_id;
  std::string method;
  std::string path;
  int status = 0;
  std::string error_code;  // empty on success
  std::string key_id;      // empty when no key was authenticated
  std::string requested_model;
  std::string served_model;  // empty when no provider answered
  std::string provider;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  Money cost;
  bool streamed = false;
  bool cancelled = false;
  std::int64_t latency_ms = 0;
  std::string client_address;  // empty when unknown (see daemon/http/client_address.h)
};

// Writes the line to the daemon's log (daemon/runtime/event_log.h).
void write_access_log(const AccessEntry& entry);

}  // namespace llmgw::daemon
