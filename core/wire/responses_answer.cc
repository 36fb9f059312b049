#include "core/wire/responses_answer.h"

#include <algorithm>

namespace llmgw {

namespace {

// The members of the response object in an event, or nothing.
std::optional<std::vector<JsonMember>> event_response(const std::vector<JsonMember>& event) {
  const JsonMember* response = find_member(event, "response");
  if (response == nullptr || response->value.kind != JsonKind::object) {
    return std::nullopt;
  }
  return last_of_each_key(json_members(response->value));
}

}  // namespace

bool ends_response(std::string_view type) {
  return type == "response.completed" || type == "response.incomplete" ||
         type == "response.failed";
}

std::string response_event_type(const std::vector<JsonMember>& event) {
  const JsonMember* type = find_member(event, "type");
  if (type == nullptr || type->value.kind != JsonKind::string) {
    return "";
  }
  // Decoded, as a client's parser reads it: an escape may spell a type llmgw acts on.
  return json_string_value(type->value.text);
}

std::optional<TokenUsage> response_end_usage(const std::vector<JsonMember>& event) {
  if (!ends_response(response_event_type(event))) {
    return std::nullopt;
  }
  const auto response = event_response(event);
  return response ? usage_among(*response, k_responses_usage) : std::nullopt;
}

bool has_provider_tool_call(const std::vector<JsonMember>& response) {
  const JsonMember* output = find_member(response, "output");
  if (output == nullptr || output->value.kind != JsonKind::array) {
    return false;
  }
  for (const JsonSlice& item : json_elements(output->value)) {
    if (item.kind != JsonKind::object) {
      continue;
    }
    const std::string type = response_event_type(last_of_each_key(json_members(item)));
    if (type == "web_search_call" || type == "file_search_call" ||
        type == "code_interpreter_call" || type == "image_generation_call") {
      return true;
    }
  }
  return false;
}

bool event_has_provider_tool_call(const std::vector<JsonMember>& event) {
  const auto response = event_response(event);
  return response && has_provider_tool_call(*response);
}

std::string response_id(const std::vector<JsonMember>& response) {
  const JsonMember* id = find_member(response, "id");
  if (id == nullptr || id->value.kind != JsonKind::string) {
    return "";
  }
  // Quoted as written: an id with an escape, or of other characters, is no id llmgw keeps.
  const std::string_view text = id->value.text.substr(1, id->value.text.size() - 2);
  const bool plain =
      !text.empty() && text.size() <= k_max_response_id &&
      std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
      });
  return plain ? std::string(text) : "";
}

std::string event_response_id(const std::vector<JsonMember>& event) {
  const auto response = event_response(event);
  return response ? response_id(*response) : "";
}

}  // namespace llmgw
