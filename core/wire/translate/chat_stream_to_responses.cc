#include "core/wire/translate/chat_stream_to_responses.h"

namespace llmgw {

std::string ChatStreamToResponses::emit(std::string_view type, const WireJson& fields) {
  WireJson data = {{"type", type}};
  for (auto& [name, value] : fields.items()) {
    data[name] = value;
  }
  data["sequence_number"] = m_sequence++;
  return named_event(type, data);
}

std::string ChatStreamToResponses::event(const SseEvent& event) {
  const std::optional<WireJson> data = parsed_json(event.data);
  if (!data || !data->is_object()) {
    return "";
  }
  std::string out = start(*data);
  const WireJson usage = data->value("usage", WireJson());
  if (usage.is_object()) {
    m_usage = usage;
  }
  if (m_error) {
    return out;  // nothing is sent after an error, but the usage
  }
  const WireJson* first = first_choice(*data);
  if (first == nullptr) {
    return out;
  }
  const WireJson& choice = *first;
  const WireJson delta = choice.value("delta", WireJson());
  const std::string content = string_in(delta, "content");
  if (!content.empty()) {
    out += text(content, false);
  }
  const std::string refusal = string_in(delta, "refusal");
  if (!refusal.empty()) {
    out += text(refusal, true);
  }
  const WireJson calls = delta.is_object() ? delta.value("tool_calls", WireJson()) : WireJson();
  for (const WireJson& piece : calls.is_array() ? calls : WireJson::array()) {
    if (piece.is_object()) {
      const WireJson index = piece.value("index", WireJson(0));
      out += call(index.is_number_integer() ? index.get<std::int64_t>() : 0, piece);
    }
  }
  const std::string finish = string_in(choice, "finish_reason");
  if (!finish.empty()) {
    m_finish_reason = finish;
  }
  return out;
}

std::string ChatStreamToResponses::start(const WireJson& chunk) {
  if (m_started) {
    return "";
  }
  m_started = true;
  m_response.set_model(chunk.value("model", WireJson()));
  const WireJson response = m_response.in_progress();
  std::string out = emit("response.created", {{"response", response}});
  return out + emit("response.in_progress", {{"response", response}});
}

bool ChatStreamToResponses::hold(std::size_t bytes, bool item, std::string& out) {
  m_held_bytes += bytes;
  m_held_items += item ? 1 : 0;
  if (m_held_bytes <= k_max_held_bytes && m_held_items <= k_max_held_items) {
    return true;
  }
  m_open = Open::none;  // left unclosed: it is not held whole
  m_text.clear();
  out += error({{"error",
                 {{"type", "response_too_large"},
                  {"message", "The response is larger than llmgw holds for a translated "
                              "stream; it ends here"}}}});
  return false;
}

std::string ChatStreamToResponses::text(const std::string& piece, bool refusal) {
  const Open kind = refusal ? Open::refusal : Open::text;
  const char* part_type = refusal ? "refusal" : "output_text";
  std::string out;
  if (!hold(piece.size(), m_open != kind, out)) {
    return out;
  }
  if (m_open != kind) {
    out += close_item();
    m_open = kind;
    m_index = m_response.next_index();
    m_item_id = m_response.item_id("msg", m_index);
    out += emit("response.output_item.added",
                {{"output_index", m_index},
                 {"item", {{"id", m_item_id},
                           {"type", "message"},
                           {"status", "in_progress"},
                           {"role", "assistant"},
                           {"content", WireJson::array()}}}});
    out += emit("response.content_part.added",
                {{"item_id", m_item_id},
                 {"output_index", m_index},
                 {"content_index", 0},
                 {"part", message_part("", part_type)}});
  }
  m_text += piece;
  WireJson delta = {{"item_id", m_item_id},
                    {"output_index", m_index},
                    {"content_index", 0},
                    {"delta", piece}};
  if (!refusal) {
    delta["logprobs"] = WireJson::array();
  }
  return out + emit(refusal ? "response.refusal.delta" : "response.output_text.delta", delta);
}

std::string ChatStreamToResponses::call(std::int64_t tool, const WireJson& delta) {
  std::string out;
  const WireJson function = delta.value("function", WireJson::object());
  const bool opens = m_open != Open::call || m_tool != tool;
  const std::string arguments = string_in(function, "arguments");
  const std::size_t named =
      opens ? string_in(delta, "id").size() + string_in(function, "name").size() : 0;
  if (!hold(named + arguments.size(), opens, out)) {
    return out;
  }
  if (opens) {
    out += close_item();
    m_open = Open::call;
    m_tool = tool;
    m_index = m_response.next_index();
    m_item_id = m_response.item_id("fc", m_index);
    m_call_id = string_in(delta, "id");
    m_name = string_in(function, "name");
    out += emit("response.output_item.added",
                {{"output_index", m_index},
                 {"item", m_response.call_item(m_item_id, m_call_id, m_name, "", "in_progress")}});
  }
  if (arguments.empty()) {
    return out;
  }
  m_text += arguments;
  return out + emit("response.function_call_arguments.delta",
                    {{"item_id", m_item_id}, {"output_index", m_index}, {"delta", arguments}});
}

std::string ChatStreamToResponses::close_item() {
  std::string out;
  WireJson item;
  if (m_open == Open::text || m_open == Open::refusal) {
    const bool refusal = m_open == Open::refusal;
    const char* part_type = refusal ? "refusal" : "output_text";
    WireJson done = {{"item_id", m_item_id}, {"output_index", m_index}, {"content_index", 0}};
    if (refusal) {
      done["refusal"] = m_text;
    } else {
      done["text"] = m_text;
      done["logprobs"] = WireJson::array();
    }
    out += emit(refusal ? "response.refusal.done" : "response.output_text.done", done);
    out += emit("response.content_part.done", {{"item_id", m_item_id},
                                               {"output_index", m_index},
                                               {"content_index", 0},
                                               {"part", message_part(m_text, part_type)}});
    item = message_item(m_item_id, m_text, "completed", part_type);
  } else if (m_open == Open::call) {
    out += emit("response.function_call_arguments.done",
                {{"item_id", m_item_id}, {"output_index", m_index}, {"arguments", m_text}});
    item = m_response.call_item(m_item_id, m_call_id, m_name, m_text, "completed");
  } else {
    return out;
  }
  out += emit("response.output_item.done", {{"output_index", m_index}, {"item", item}});
  m_response.add(std::move(item));
  m_open = Open::none;
  m_tool = -1;
  m_text.clear();
  return out;
}

std::string ChatStreamToResponses::keep_alive() {
  return ": keep-alive\n\n";
}

std::string ChatStreamToResponses::error(const nlohmann::json& redacted) {
  m_error = stream_error(redacted);
  return emit("error", {{"code", m_error->type}, {"message", m_error->message}, {"param", nullptr}});
}

std::string ChatStreamToResponses::close() {
  std::string out = start(WireJson::object());
  return out + close_item();  // an item cut by the provider's error is closed as it stands
}

std::string ChatStreamToResponses::end_event() {
  if (m_error) {
    return emit("response.failed",
                {{"response", m_response.failed(m_error->type, m_error->message, m_usage)}});
  }
  const WireJson response = m_response.ended(m_finish_reason, m_usage);
  return emit(std::string("response.") + response["status"].get<std::string>(),
              {{"response", response}});
}

}  // namespace llmgw
