#include "core/wire/translate/chat_stream_to_messages.h"

#include "core/wire/translate/message_usage.h"
#include "core/wire/translate/stop_reason.h"

namespace llmgw {

std::string ChatStreamToMessages::event(const SseEvent& event) {
  const std::optional<WireJson> data = parsed_json(event.data);
  if (!data || !data->is_object()) {
    return "";
  }
  std::string out = start(*data);
  const WireJson usage = data->value("usage", WireJson());
  if (usage.is_object()) {
    m_usage = usage;
  }
  const WireJson* first = first_choice(*data);
  if (first == nullptr) {
    return out;
  }
  const WireJson& choice = *first;
  out += delta(choice.value("delta", WireJson()));
  const std::string finish = string_in(choice, "finish_reason");
  if (!finish.empty()) {
    m_finish_reason = finish;
  }
  return out;
}

std::string ChatStreamToMessages::start(const WireJson& chunk) {
  if (m_started) {
    return "";
  }
  m_started = true;
  const WireJson usage = chunk.value("usage", WireJson());
  WireJson counts = usage.is_object() ? messages_usage(usage)
                                      : WireJson{{"input_tokens", 0}, {"output_tokens", 0}};
  counts["output_tokens"] = 0;
  return named_event("message_start",
                     {{"type", "message_start"},
                      {"message",
                       {{"id", chunk.value("id", WireJson(""))},
                        {"type", "message"},
                        {"role", "assistant"},
                        {"model", chunk.value("model", WireJson(""))},
                        {"content", WireJson::array()},
                        {"stop_reason", nullptr},
                        {"stop_sequence", nullptr},
                        {"usage", std::move(counts)}}}});
}

std::string ChatStreamToMessages::stop_block() {
  if (m_open_type.empty()) {
    return "";
  }
  m_open_type.clear();
  m_open_tool = -1;
  return named_event("content_block_stop",
                     {{"type", "content_block_stop"}, {"index", m_next_index - 1}});
}

std::string ChatStreamToMessages::switch_to(const std::string& type, std::int64_t tool,
                                            const WireJson& block) {
  if (m_open_type == type && m_open_tool == tool) {
    return "";
  }
  std::string out = stop_block();
  m_open_type = type;
  m_open_tool = tool;
  return out + named_event("content_block_start", {{"type", "content_block_start"},
                                                   {"index", m_next_index++},
                                                   {"content_block", block}});
}

std::string ChatStreamToMessages::delta(const WireJson& delta) {
  if (!delta.is_object()) {
    return "";
  }
  std::string out;
  auto block_delta = [this](const WireJson& piece) {
    return named_event("content_block_delta", {{"type", "content_block_delta"},
                                               {"index", m_next_index - 1},
                                               {"delta", piece}});
  };
  const std::string reasoning = string_in(delta, "reasoning_content");
  if (!reasoning.empty()) {
    out += switch_to("thinking", -1, {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}});
    out += block_delta({{"type", "thinking_delta"}, {"thinking", reasoning}});
  }
  const std::string text = string_in(delta, "content");
  if (!text.empty()) {
    out += switch_to("text", -1, {{"type", "text"}, {"text", ""}});
    out += block_delta({{"type", "text_delta"}, {"text", text}});
  }
  const WireJson calls = delta.value("tool_calls", WireJson());
  for (const WireJson& call : calls.is_array() ? calls : WireJson::array()) {
    if (!call.is_object()) {
      continue;
    }
    const WireJson index = call.value("index", WireJson(0));
    const std::int64_t tool = index.is_number_integer() ? index.get<std::int64_t>() : 0;
    const WireJson function = call.value("function", WireJson::object());
    if (m_open_type != "tool_use" || m_open_tool != tool) {
      out += switch_to("tool_use", tool,
                       {{"type", "tool_use"},
                        {"id", string_in(call, "id")},
                        {"name", string_in(function, "name")},
                        {"input", WireJson::object()}});
    }
    const std::string arguments = string_in(function, "arguments");
    if (!arguments.empty()) {
      out += block_delta({{"type", "input_json_delta"}, {"partial_json", arguments}});
    }
  }
  return out;
}

std::string ChatStreamToMessages::keep_alive() {
  return named_event("ping", {{"type", "ping"}});
}

std::string ChatStreamToMessages::error(const nlohmann::json& redacted) {
  const StreamError error = stream_error(redacted);
  return named_event("error", {{"type", "error"},
                               {"error", {{"type", error.type}, {"message", error.message}}}});
}

std::string ChatStreamToMessages::close() {
  std::string out = start(WireJson::object());
  out += stop_block();
  WireJson usage = messages_usage(m_usage);
  return out + named_event("message_delta",
                           {{"type", "message_delta"},
                            {"delta",
                             {{"stop_reason", messages_stop_reason(m_finish_reason)},
                              {"stop_sequence", nullptr}}},
                            {"usage", std::move(usage)}});
}

}  // namespace llmgw
