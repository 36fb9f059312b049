#include "core/wire/translate/answer_to_chat.h"

#include "core/wire/translate/message_usage.h"
#include "core/wire/translate/stop_reason.h"
#include "core/wire/translate/wire_json.h"

namespace llmgw {

std::optional<std::string> chat_answer_from_messages(std::string_view answer,
                                                     std::int64_t created) {
  const std::optional<WireJson> parsed = parsed_json(answer);
  if (!parsed) {
    return std::nullopt;
  }
  const WireJson& message = *parsed;
  if (!message.is_object() || !message.contains("content") || !message["content"].is_array()) {
    return std::nullopt;
  }
  std::string text;
  std::string reasoning;
  WireJson thinking_blocks = WireJson::array();
  WireJson calls = WireJson::array();
  for (const WireJson& block : message["content"]) {
    if (!block.is_object()) {
      continue;
    }
    const WireJson type = block.value("type", WireJson());
    if (type == "text" && block.value("text", WireJson()).is_string()) {
      text += block["text"].get<std::string>();
    } else if (type == "thinking" || type == "redacted_thinking") {
      if (block.value("thinking", WireJson()).is_string()) {
        reasoning += block["thinking"].get<std::string>();
      }
      thinking_blocks.push_back(block);
    } else if (type == "tool_use") {
      calls.push_back({{"id", block.value("id", WireJson(""))},
                       {"type", "function"},
                       {"function",
                        {{"name", block.value("name", WireJson(""))},
                         {"arguments", wire_text(block.value("input", WireJson::object()))}}}});
    }
  }
  WireJson reply = {{"role", "assistant"}};
  reply["content"] = text.empty() && !calls.empty() ? WireJson() : WireJson(text);
  if (!thinking_blocks.empty()) {
    reply["reasoning_content"] = reasoning;
    reply["thinking_blocks"] = std::move(thinking_blocks);
  }
  if (!calls.empty()) {
    reply["tool_calls"] = std::move(calls);
  }
  const WireJson stop = message.value("stop_reason", WireJson());
  WireJson chat = {
      {"id", message.value("id", WireJson(""))},
      {"object", "chat.completion"},
      {"created", created},
      {"model", message.value("model", WireJson(""))},
      {"choices",
       {{{"index", 0},
         {"message", std::move(reply)},
         {"finish_reason", chat_finish_reason(stop.is_string() ? stop.get<std::string>() : "")}}}}};
  chat["usage"] = chat_usage(message.value("usage", WireJson()));
  return wire_text(chat);
}

}  // namespace llmgw
