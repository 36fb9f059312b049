#include "daemon/access_log.h"

#include "daemon/runtime/event_log.h"

namespace llmgw::daemon {

void write_access_log(const AccessEntry& e) {
  nlohmann::ordered_json line = {
      {"request_id", e.request_id},
      {"method", e.method},
      {"path", e.path},
      {"status", e.status},
      {"code", e.code},
      {"key_id", e.key_id},
      {"model", e.model},
      {"provider", e.provider},
      {"prompt_tokens", e.prompt_tokens},
      {"completion_tokens", e.completion_tokens},
      {"cost", e.cost.to_usd()},
      {"stream", e.stream},
      {"cancelled", e.cancelled},
      {"latency_ms", e.latency_ms},
      {"client_address", e.client_address},
  };
  // A request llmgw or its provider failed is worth a look; a client's mistake is not.
  log_event(e.status >= 500 ? LogLevel::warn : LogLevel::info, "request", line);
}

}  // namespace llmgw::daemon
