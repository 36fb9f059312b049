#include "core/wire/translate/messages_stream_to_chat.h"

#include "core/wire/translate/stop_reason.h"

namespace llmgw {

namespace {

std::string data_event(const WireJson& data) {
  return "data: " + wire_text(data) + "\n\n";
}

// Later counts replace earlier ones; null counts leave them.
void merge_usage(WireJson& usage, const WireJson& update) {
  if (!update.is_object()) {
    return;
  }
  for (auto& [name, value] : update.items()) {
    if (!value.is_null()) {
      usage[name] = value;
    }
  }
}

}  // namespace

std::string MessagesStreamToChat::chunk(WireJson delta, const WireJson& finish_reason) const {
  return data_event({{"id", m_id},
                     {"object", "chat.completion.chunk"},
                     {"created", m_created},
                     {"model", m_model},
                     {"choices",
                      {{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", finish_reason}}}}});
}

std::string MessagesStreamToChat::event(const SseEvent& event) {
  const std::optional<WireJson> data = parsed_json(event.data);
  if (!data || !data->is_object()) {
    return "";
  }
  const std::string type = string_in(*data, "type");
  if (type == "message_start") {
    const WireJson message = data->value("message", WireJson::object());
    if (message.is_object()) {
      m_id = message.value("id", WireJson(""));
      m_model = message.value("model", WireJson(""));
      merge_usage(m_usage, message.value("usage", WireJson()));
    }
    return chunk({{"role", "assistant"}, {"content", ""}});
  }
  if (type == "content_block_start") {
    return block_start(*data);
  }
  if (type == "content_block_delta") {
    return block_delta(*data);
  }
  if (type == "content_block_stop") {
    return block_stop(*data);
  }
  if (type == "message_delta") {
    merge_usage(m_usage, data->value("usage", WireJson()));
    const std::string stop = string_in(data->value("delta", WireJson()), "stop_reason");
    return stop.empty() ? "" : chunk(WireJson::object(), chat_finish_reason(stop));
  }
  if (type == "ping") {
    return keep_alive();
  }
  return "";
}

std::string MessagesStreamToChat::block_start(const WireJson& event) {
  const WireJson index = event.value("index", WireJson());
  const WireJson block = event.value("content_block", WireJson());
  if (!index.is_number_integer() || !block.is_object()) {
    return "";
  }
  if (m_blocks.size() >= k_max_blocks) {
    return "";
  }
  Block& started = m_blocks[index.get<std::int64_t>()];
  started.type = string_in(block, "type");
  if (started.type == "text" && !string_in(block, "text").empty()) {
    return chunk({{"content", block["text"]}});
  }
  if (started.type == "redacted_thinking") {
    return chunk({{"thinking_blocks", WireJson::array({block})}});
  }
  if (started.type == "tool_use") {
    started.tool_index = m_tool_calls++;
    return chunk({{"tool_calls",
                   {{{"index", started.tool_index},
                     {"id", block.value("id", WireJson(""))},
                     {"type", "function"},
                     {"function", {{"name", block.value("name", WireJson(""))}, {"arguments", ""}}}}}}});
  }
  return "";
}

std::string MessagesStreamToChat::block_delta(const WireJson& event) {
  const WireJson index = event.value("index", WireJson());
  const WireJson delta = event.value("delta", WireJson());
  if (!index.is_number_integer() || !delta.is_object()) {
    return "";
  }
  auto block = m_blocks.find(index.get<std::int64_t>());
  if (block == m_blocks.end()) {
    return "";
  }
  const std::string type = string_in(delta, "type");
  if (type == "text_delta") {
    return chunk({{"content", string_in(delta, "text")}});
  }
  if (type == "thinking_delta") {
    const std::string thinking = string_in(delta, "thinking");
    Block& open = block->second;
    open.whole = open.whole && open.thinking.size() + thinking.size() <= k_max_thinking_bytes;
    if (open.whole) {
      open.thinking += thinking;
    } else {
      open.thinking.clear();
    }
    return chunk({{"reasoning_content", thinking}});
  }
  if (type == "signature_delta") {
    if (block->second.signature.size() < k_max_thinking_bytes) {
      block->second.signature += string_in(delta, "signature");
    }
    return "";
  }
  if (type == "input_json_delta" && block->second.tool_index >= 0) {
    return chunk({{"tool_calls",
                   {{{"index", block->second.tool_index},
                     {"function", {{"arguments", string_in(delta, "partial_json")}}}}}}});
  }
  return "";
}

std::string MessagesStreamToChat::block_stop(const WireJson& event) {
  const WireJson index = event.value("index", WireJson());
  if (!index.is_number_integer()) {
    return "";
  }
  auto block = m_blocks.find(index.get<std::int64_t>());
  if (block == m_blocks.end() || block->second.type != "thinking" || !block->second.whole) {
    return "";
  }
  return chunk({{"thinking_blocks",
                 {{{"type", "thinking"},
                   {"thinking", block->second.thinking},
                   {"signature", block->second.signature}}}}});
}

std::string MessagesStreamToChat::keep_alive() {
  return ": ping\n\n";
}

std::string MessagesStreamToChat::error(const nlohmann::json& redacted) {
  const StreamError error = stream_error(redacted);
  return data_event({{"error", {{"message", error.message}, {"type", error.type}}}});
}

std::string MessagesStreamToChat::close() {
  if (!m_include_usage) {
    return "";
  }
  return data_event({{"id", m_id},
                     {"object", "chat.completion.chunk"},
                     {"created", m_created},
                     {"model", m_model},
                     {"choices", WireJson::array()},
                     {"usage", chat_usage(m_usage)}});
}

}  // namespace llmgw
