#include "core/wire/translate/answer_to_messages.h"

#include "core/wire/translate/message_usage.h"
#include "core/wire/translate/stop_reason.h"
#include "core/wire/translate/wire_json.h"

namespace llmgw {

std::optional<std::string> messages_answer_from_chat(std::string_view answer) {
  const std::optional<WireJson> parsed = parsed_json(answer);
  if (!parsed) {
    return std::nullopt;
  }
  const WireJson& chat = *parsed;
  const WireJson* first = first_choice(chat);
  if (first == nullptr) {
    return std::nullopt;
  }
  const WireJson& choice = *first;
  const WireJson reply = choice.value("message", WireJson::object());
  WireJson content = WireJson::array();
  if (reply.is_object()) {
    const WireJson reasoning = reply.value("reasoning_content", WireJson());
    if (reasoning.is_string() && !reasoning.get_ref<const std::string&>().empty()) {
      content.push_back({{"type", "thinking"}, {"thinking", reasoning}, {"signature", ""}});
    }
    const WireJson text = reply.value("content", WireJson());
    if (text.is_string() && !text.get_ref<const std::string&>().empty()) {
      content.push_back({{"type", "text"}, {"text", text}});
    }
    const WireJson calls = reply.value("tool_calls", WireJson());
    for (const WireJson& call : calls.is_array() ? calls : WireJson::array()) {
      const WireJson function = call.is_object() ? call.value("function", WireJson()) : WireJson();
      if (!function.is_object()) {
        continue;
      }
      const WireJson arguments = function.value("arguments", WireJson());
      const std::optional<WireJson> input =
          arguments.is_string() ? parsed_json(arguments.get<std::string>()) : std::nullopt;
      content.push_back({{"type", "tool_use"},
                         {"id", call.value("id", WireJson(""))},
                         {"name", function.value("name", WireJson(""))},
                         {"input", input && input->is_object() ? *input : WireJson::object()}});
    }
  }
  const WireJson finish = choice.value("finish_reason", WireJson());
  WireJson message = {
      {"id", chat.value("id", WireJson(""))},
      {"type", "message"},
      {"role", "assistant"},
      {"model", chat.value("model", WireJson(""))},
      {"content", std::move(content)},
      {"stop_reason", messages_stop_reason(finish.is_string() ? finish.get<std::string>() : "")},
      {"stop_sequence", nullptr}};
  message["usage"] = messages_usage(chat.value("usage", WireJson()));
  return wire_text(message);
}

}  // namespace llmgw
