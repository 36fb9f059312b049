#include "daemon/access_log.h"

#include "daemon/runtime/event_log.h"

namespace llmgw::daemon {

void write_access_log(const AccessEntry& e) {
  auto or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
  };
  nlohmann::ordered_json line = {
      {"request_id", e.request_id},
      {"method", e.method},
      {"path", e.path},
      {"status", e.status},
      {"error_code", or_null(e.error_code)},
      {"key_id", or_null(e.key_id)},
      {"requested_model", or_null(e.requested_model)},
      {"served_model", or_null(e.served_model)},
      {"provider", or_null(e.provider)},
      {"prompt_tokens", e.prompt_tokens},
      {"completion_tokens", e.completion_tokens},
      {"cost", e.cost.to_usd()},
      {"streamed", e.streamed},
      {"cancelled", e.cancelled},
      {"latency_ms", e.latency_ms},
      {"client_address", or_null(e.client_address)},
  };
  // A request llmgw or its provider failed is worth a look; a client's mistake is not.
  log_event(e.status >= 500 ? LogLevel::warn : LogLevel::info, "request", line);
}

}  // namespace llmgw::daemon
