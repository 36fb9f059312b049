#include "core/responses_usage.h"

namespace llmgw {

bool ends_response(std::string_view type) {
  return type == "response.completed" || type == "response.incomplete" ||
         type == "response.failed";
}

std::string_view response_event_type(const std::vector<JsonMember>& event) {
  const JsonMember* type = find_member(event, "type");
  if (type == nullptr || type->value.kind != JsonKind::string || type->value.text.size() < 2) {
    return {};
  }
  // The event types are plain ASCII: one with an escape is no type llmgw knows.
  std::string_view text = type->value.text.substr(1, type->value.text.size() - 2);
  return text.find('\\') == std::string_view::npos ? text : std::string_view();
}

std::optional<TokenUsage> response_end_usage(const std::vector<JsonMember>& event) {
  if (!ends_response(response_event_type(event))) {
    return std::nullopt;
  }
  const JsonMember* response = find_member(event, "response");
  if (response == nullptr || response->value.kind != JsonKind::object) {
    return std::nullopt;
  }
  return usage_among(last_of_each_key(json_members(response->value)), k_responses_usage);
}

}  // namespace llmgw
