#include "daemon/stream_delta_bytes.h"

namespace llmgw::daemon {

DeltaBytes delta_bytes(const std::vector<JsonMember>& chunk) {
  DeltaBytes bytes;
  const JsonMember* choices = find_member(chunk, "choices");
  if (choices == nullptr || choices->value.kind != JsonKind::array) {
    return bytes;
  }
  for (const JsonSlice& choice : json_elements(choices->value)) {
    if (choice.kind != JsonKind::object) {
      continue;
    }
    const auto choice_members = last_of_each_key(json_members(choice));
    const JsonMember* delta = find_member(choice_members, "delta");
    if (delta == nullptr || delta->value.kind != JsonKind::object) {
      continue;
    }
    bytes.written += delta->value.text.size();
    const auto delta_members = last_of_each_key(json_members(delta->value));
    for (const char* field : {"content", "reasoning_content"}) {
      const JsonMember* text = find_member(delta_members, field);
      if (text != nullptr && text->value.kind == JsonKind::string) {
        bytes.text += json_string_value(text->value.text).size();
      }
    }
  }
  return bytes;
}

// The same for an event of Anthropic's Messages stream: the `delta` of a
// content_block_delta (text, thinking, a tool call's input JSON, a signature).
DeltaBytes messages_delta_bytes(const std::vector<JsonMember>& event) {
  DeltaBytes bytes;
  const JsonMember* delta = find_member(event, "delta");
  const JsonMember* type = find_member(event, "type");
  if (delta == nullptr || delta->value.kind != JsonKind::object || type == nullptr ||
      type->value.text != "\"content_block_delta\"") {
    return bytes;
  }
  bytes.written = delta->value.text.size();
  const auto delta_members = last_of_each_key(json_members(delta->value));
  for (const char* field : {"text", "thinking", "partial_json"}) {
    const JsonMember* text = find_member(delta_members, field);
    if (text != nullptr && text->value.kind == JsonKind::string) {
      bytes.text += json_string_value(text->value.text).size();
    }
  }
  return bytes;
}

// The same for an event of OpenAI's Responses stream of `type` (response_event_type): the
// `delta` of a text, reasoning or tool-call arguments delta event.
DeltaBytes responses_delta_bytes(const std::vector<JsonMember>& event, std::string_view type) {
  DeltaBytes bytes;
  const JsonMember* delta = find_member(event, "delta");
  if (delta == nullptr || delta->value.kind != JsonKind::string) {
    return bytes;
  }
  constexpr std::string_view k_suffix = ".delta";
  if (type.size() < k_suffix.size() ||
      type.substr(type.size() - k_suffix.size()) != k_suffix) {
    return bytes;
  }
  bytes.written = delta->value.text.size();
  bytes.text = json_string_value(delta->value.text).size();
  return bytes;
}

}  // namespace llmgw::daemon
