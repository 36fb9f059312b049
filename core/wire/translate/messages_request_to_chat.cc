#include "core/wire/translate/messages_request_to_chat.h"

#include "core/error.h"
#include "core/wire/translate/wire_json.h"

#include <fmt/format.h>

#include <set>

namespace llmgw {

namespace {

[[noreturn]] void no_counterpart(const std::string& what) {
  throw_invalid(fmt::format("{} has no counterpart in the chat API", what));
}

const std::set<std::string, std::less<>> k_dropped = {"top_k", "thinking", "service_tier",
                                                          "context_management"};

std::string block_type(const WireJson& block) {
  return block.is_object() ? block.value("type", "") : "";
}

const std::string& string_field(const WireJson& object, const char* name, const char* what) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    throw_invalid(fmt::format("A {} needs a string '{}'", what, name));
  }
  return it->get_ref<const std::string&>();
}

WireJson image_part(const WireJson& block) {
  const WireJson& source = block.value("source", WireJson::object());
  const std::string type = block_type(source);
  if (type == "base64") {
    return {{"type", "image_url"},
            {"image_url",
             {{"url", fmt::format("data:{};base64,{}",
                                  string_field(source, "media_type", "base64 image source"),
                                  string_field(source, "data", "base64 image source"))}}}};
  }
  if (type == "url") {
    return {{"type", "image_url"},
            {"image_url", {{"url", string_field(source, "url", "url image source")}}}};
  }
  no_counterpart(fmt::format("An image source of type '{}'", type));
}

// A string stays one; text blocks become text parts, one each.
WireJson system_content(const WireJson& system) {
  if (system.is_string()) {
    return system;
  }
  WireJson parts = WireJson::array();
  for (const WireJson& block : system.is_array() ? system : WireJson::array()) {
    if (block_type(block) != "text") {
      no_counterpart(fmt::format("A block of type '{}' in the system prompt", block_type(block)));
    }
    parts.push_back({{"type", "text"}, {"text", string_field(block, "text", "text block")}});
  }
  return parts;
}

WireJson tool_message(const WireJson& block) {
  const WireJson& content = block.value("content", WireJson(""));
  WireJson message = {{"role", "tool"},
                      {"tool_call_id", string_field(block, "tool_use_id", "tool_result block")}};
  if (content.is_array()) {
    WireJson parts = WireJson::array();
    for (const WireJson& part : content) {
      const std::string type = block_type(part);
      if (type == "text") {
        parts.push_back({{"type", "text"}, {"text", string_field(part, "text", "text block")}});
      } else if (type == "image") {
        parts.push_back(image_part(part));
      } else {
        no_counterpart(fmt::format("A block of type '{}' in a tool_result", type));
      }
    }
    message["content"] = std::move(parts);
  } else if (content.is_string()) {
    message["content"] = content;
  } else {
    throw_invalid("A tool_result's 'content' must be a string or an array of blocks");
  }
  return message;
}

void add_user(const WireJson& content, WireJson& messages) {
  if (content.is_string()) {
    messages.push_back({{"role", "user"}, {"content", content}});
    return;
  }
  WireJson parts = WireJson::array();
  for (const WireJson& block : content) {
    const std::string type = block_type(block);
    if (type == "text") {
      parts.push_back({{"type", "text"}, {"text", string_field(block, "text", "text block")}});
    } else if (type == "image") {
      parts.push_back(image_part(block));
    } else if (type == "tool_result") {
      messages.push_back(tool_message(block));
    } else {
      no_counterpart(fmt::format("A user block of type '{}'", type));
    }
  }
  if (!parts.empty()) {
    messages.push_back({{"role", "user"}, {"content", std::move(parts)}});
  }
}

void add_assistant(const WireJson& content, WireJson& messages) {
  if (content.is_string()) {
    messages.push_back({{"role", "assistant"}, {"content", content}});
    return;
  }
  std::string text;
  WireJson calls = WireJson::array();
  for (const WireJson& block : content) {
    const std::string type = block_type(block);
    if (type == "text") {
      text += string_field(block, "text", "text block");
    } else if (type == "tool_use") {
      calls.push_back({{"id", string_field(block, "id", "tool_use block")},
                       {"type", "function"},
                       {"function",
                        {{"name", string_field(block, "name", "tool_use block")},
                         {"arguments", wire_text(block.value("input", WireJson::object()))}}}});
    } else if (type != "thinking" && type != "redacted_thinking") {
      no_counterpart(fmt::format("An assistant block of type '{}'", type));
    }
  }
  WireJson message = {{"role", "assistant"}};
  message["content"] = text.empty() && !calls.empty() ? WireJson() : WireJson(text);
  if (!calls.empty()) {
    message["tool_calls"] = std::move(calls);
  }
  messages.push_back(std::move(message));
}

WireJson function_tool(const WireJson& tool) {
  if (!tool.is_object() || (tool.contains("type") && tool["type"] != "custom")) {
    no_counterpart(fmt::format("A tool of type '{}'", block_type(tool)));
  }
  WireJson function = {{"name", string_field(tool, "name", "tool")}};
  if (tool.contains("description")) {
    function["description"] = tool["description"];
  }
  function["parameters"] = tool.value("input_schema", WireJson{{"type", "object"}});
  if (tool.contains("strict")) {
    function["strict"] = tool["strict"];
  }
  return {{"type", "function"}, {"function", std::move(function)}};
}

// effort is dropped, as `thinking` is: whether and how much a chat model reasons is its
// own setting, and a model that does not reason refuses reasoning_effort. A JSON schema
// format becomes response_format.
void add_output_config(const WireJson& config, WireJson& out) {
  if (!config.is_object()) {
    throw_invalid("The Messages field 'output_config' must be an object");
  }
  for (auto& [name, value] : config.items()) {
    if (name == "format" && block_type(value) == "json_schema" && value.contains("schema")) {
      out["response_format"] = {
          {"type", "json_schema"},
          {"json_schema", {{"name", "output"}, {"schema", value["schema"]}, {"strict", true}}}};
    } else if (name != "effort") {
      no_counterpart(fmt::format("The Messages field 'output_config.{}'", name));
    }
  }
}

std::string translated(const ClientRequest& request, std::string_view upstream_model) {
  WireJson anthropic = request_document(request);
  WireJson messages = WireJson::array();
  if (anthropic.contains("system")) {
    messages.push_back({{"role", "system"}, {"content", system_content(anthropic["system"])}});
  }
  for (const WireJson& turn : anthropic["messages"]) {
    const std::string& role = string_field(turn, "role", "message");
    const WireJson& content = turn.value("content", WireJson());
    if (!content.is_string() && !content.is_array()) {
      throw_invalid("A message's 'content' must be a string or an array of blocks");
    }
    if (role == "user") {
      add_user(content, messages);
    } else if (role == "assistant") {
      add_assistant(content, messages);
    } else if (role == "system") {
      messages.push_back({{"role", "system"}, {"content", system_content(content)}});
    } else {
      no_counterpart(fmt::format("A message of role '{}'", role));
    }
  }
  WireJson out = {{"model", upstream_model}, {"messages", std::move(messages)}};
  for (auto& [name, value] : anthropic.items()) {
    if (name == "model" || name == "messages" || name == "system" || name == "tool_choice" ||
        k_dropped.count(name) != 0) {
      continue;
    }
    if (name == "max_tokens") {
      out["max_completion_tokens"] = value;
    } else if (name == "stream") {
      out["stream"] = value;
      if (value == true) {
        out["stream_options"] = {{"include_usage", true}};
      }
    } else if (name == "temperature" || name == "top_p") {
      out[name] = value;
    } else if (name == "stop_sequences") {
      out["stop"] = value;
    } else if (name == "metadata") {
      if (value.is_object() && value.contains("user_id")) {
        out["user"] = value["user_id"];
      }
    } else if (name == "output_config") {
      add_output_config(value, out);
    } else if (name == "tools") {
      out["tools"] = WireJson::array();
      for (const WireJson& tool : value) {
        out["tools"].push_back(function_tool(tool));
      }
    } else {
      no_counterpart(fmt::format("The Messages field '{}'", name));
    }
  }
  if (anthropic.contains("tool_choice")) {
    const WireJson& choice = anthropic["tool_choice"];
    const std::string type = block_type(choice);
    if (type == "auto" || type == "none") {
      out["tool_choice"] = type;
    } else if (type == "any") {
      out["tool_choice"] = "required";
    } else if (type == "tool") {
      out["tool_choice"] = {{"type", "function"},
                            {"function", {{"name", string_field(choice, "name", "tool_choice")}}}};
    } else {
      no_counterpart(fmt::format("A tool_choice of type '{}'", type));
    }
    if (choice.value("disable_parallel_tool_use", false) == true && type != "none") {
      out["parallel_tool_calls"] = false;
    }
  }
  return wire_text(out);
}

}  // namespace

std::string chat_request_from_messages(const ClientRequest& request,
                                       std::string_view upstream_model) {
  try {
    return translated(request, upstream_model);
  } catch (const nlohmann::json::exception&) {
    throw_invalid("A message, block or tool of the request has a field of an unexpected type");
  }
}

}  // namespace llmgw
