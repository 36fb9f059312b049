#include "core/wire/translate/answer_to_responses.h"

#include "core/wire/translate/response_object.h"

namespace llmgw {

std::optional<std::string> responses_answer_from_chat(std::string_view answer,
                                                      const std::string& id,
                                                      std::int64_t created_at,
                                                      std::vector<std::string> namespaces) {
  const std::optional<WireJson> parsed = parsed_json(answer);
  if (!parsed) {
    return std::nullopt;
  }
  const WireJson& chat = *parsed;
  const WireJson* first = first_choice(chat);
  if (first == nullptr) {
    return std::nullopt;
  }
  ResponseObject response(id, created_at, std::move(namespaces));
  response.set_model(chat.value("model", WireJson()));
  const WireJson& choice = *first;
  const WireJson reply = choice.value("message", WireJson::object());
  const std::string text = string_in(reply, "content");
  if (!text.empty()) {
    response.add(message_item(response.item_id("msg", response.next_index()), text, "completed"));
  }
  const std::string refusal = string_in(reply, "refusal");
  if (!refusal.empty()) {
    response.add(message_item(response.item_id("msg", response.next_index()), refusal,
                              "completed", "refusal"));
  }
  const WireJson calls = reply.is_object() ? reply.value("tool_calls", WireJson()) : WireJson();
  for (const WireJson& call : calls.is_array() ? calls : WireJson::array()) {
    const WireJson function = call.is_object() ? call.value("function", WireJson()) : WireJson();
    if (!function.is_object()) {
      continue;
    }
    response.add(response.call_item(response.item_id("fc", response.next_index()),
                                    string_in(call, "id"), string_in(function, "name"),
                                    string_in(function, "arguments"), "completed"));
  }
  return wire_text(
      response.ended(string_in(choice, "finish_reason"), chat.value("usage", WireJson())));
}

}  // namespace llmgw
