#include "core/wire/translate/wire_json.h"

#include "core/json_check.h"
#include "core/wire/token_usage.h"

namespace llmgw {

std::string wire_text(const WireJson& document) {
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string named_event(std::string_view type, const WireJson& document) {
  std::string event = "event: ";
  event.append(type).append("\ndata: ").append(wire_text(document)).append("\n\n");
  return event;
}

std::string string_in(const WireJson& object, const char* name) {
  const WireJson value = object.is_object() ? object.value(name, WireJson()) : WireJson();
  return value.is_string() ? value.get<std::string>() : std::string();
}

const WireJson* first_choice(const WireJson& document) {
  if (!document.is_object()) {
    return nullptr;
  }
  auto choices = document.find("choices");
  if (choices == document.end() || !choices->is_array() || choices->empty() ||
      !(*choices)[0].is_object()) {
    return nullptr;
  }
  return &(*choices)[0];
}

WireJson request_document(const ClientRequest& request) {
  WireJson document = WireJson::object();
  for (const JsonMember& m : request.members) {
    document[m.key] = WireJson::parse(m.value.text);
  }
  return document;
}

std::optional<WireJson> parsed_json(std::string_view text) {
  if (check_json(text, k_max_response_depth).fault != JsonFault::none) {
    return std::nullopt;
  }
  return WireJson::parse(text);
}

std::int64_t shown_count(const WireJson& object, const char* name) {
  if (!object.is_object()) {
    return 0;
  }
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) {
    return 0;
  }
  const auto value = it->get<std::int64_t>();
  return value >= 0 && value <= k_max_usage_tokens ? value : 0;
}

}  // namespace llmgw
