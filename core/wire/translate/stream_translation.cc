#include "core/wire/translate/stream_translation.h"

namespace llmgw {

StreamError stream_error(const nlohmann::json& redacted) {
  const nlohmann::json* error = &redacted;
  if (redacted.is_object() && redacted.contains("error")) {
    error = &redacted["error"];
  }
  StreamError out{"", "api_error"};
  if (error->is_string()) {
    out.message = error->get<std::string>();
  } else if (error->is_object()) {
    auto message = error->find("message");
    out.message = message != error->end() && message->is_string()
                      ? message->get<std::string>()
                      : error->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto type = error->find("type");
    if (type != error->end() && type->is_string() && !type->get_ref<const std::string&>().empty()) {
      out.type = type->get<std::string>();
    }
  } else {
    out.message = error->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return out;
}

}  // namespace llmgw
