#include "core/wire/translate/chat_request_to_messages.h"

#include "core/error.h"
#include "core/wire/translate/wire_json.h"

#include <fmt/format.h>

#include <set>

namespace llmgw {

namespace {

[[noreturn]] void no_counterpart(const std::string& what) {
  throw_invalid(fmt::format("{} has no counterpart in the Messages API", what));
}

const std::set<std::string, std::less<>> k_ignored = {
    "stream_options", "store", "metadata", "seed", "service_tier", "prompt_cache_key",
    "safety_identifier"};

// A content part's cache_control, passed on to the block made of it.
WireJson with_cache_control(WireJson block, const WireJson& part) {
  if (part.is_object() && part.contains("cache_control")) {
    block["cache_control"] = part["cache_control"];
  }
  return block;
}

WireJson text_block(const WireJson& part) {
  if (!part.contains("text") || !part["text"].is_string()) {
    throw_invalid("A text content part needs a string 'text'");
  }
  return with_cache_control({{"type", "text"}, {"text", part["text"]}}, part);
}

WireJson image_block(const WireJson& part) {
  const WireJson& image = part.value("image_url", WireJson());
  const WireJson& url = image.is_object() ? image.value("url", WireJson()) : image;
  if (!url.is_string()) {
    throw_invalid("An image_url content part needs a string 'url'");
  }
  const std::string& text = url.get_ref<const std::string&>();
  constexpr std::string_view data_prefix = "data:";
  const auto base64 = text.find(";base64,");
  if (text.rfind(data_prefix, 0) == 0 && base64 != std::string::npos) {
    return with_cache_control(
        {{"type", "image"},
         {"source", {{"type", "base64"},
                     {"media_type", text.substr(data_prefix.size(), base64 - data_prefix.size())},
                     {"data", text.substr(base64 + 8)}}}},
        part);
  }
  return with_cache_control({{"type", "image"}, {"source", {{"type", "url"}, {"url", text}}}},
                            part);
}

// The blocks of a message's content: a string, null, or an array of parts.
WireJson content_blocks(const WireJson& content, bool images_allowed) {
  WireJson blocks = WireJson::array();
  if (content.is_null()) {
    return blocks;
  }
  if (content.is_string()) {
    if (!content.get_ref<const std::string&>().empty()) {
      blocks.push_back({{"type", "text"}, {"text", content}});
    }
    return blocks;
  }
  if (!content.is_array()) {
    throw_invalid("A message's 'content' must be a string, an array of parts or null");
  }
  for (const WireJson& part : content) {
    const std::string type = part.is_object() ? part.value("type", "") : "";
    if (type == "text") {
      if (!part.value("text", std::string()).empty()) {
        blocks.push_back(text_block(part));
      }
    } else if (type == "refusal") {
      blocks.push_back({{"type", "text"}, {"text", part.value("refusal", "")}});
    } else if (type == "image_url" && images_allowed) {
      blocks.push_back(image_block(part));
    } else {
      no_counterpart(fmt::format("A content part of type '{}'", type));
    }
  }
  return blocks;
}

WireJson tool_use_block(const WireJson& call) {
  const WireJson& function = call.value("function", WireJson::object());
  if (!call.value("id", WireJson()).is_string() || !function.is_object() ||
      !function.value("name", WireJson()).is_string()) {
    throw_invalid("A tool call needs a string 'id' and a function with a string 'name'");
  }
  const std::string arguments = function.value("arguments", std::string());
  WireJson input = WireJson::object();
  if (!arguments.empty()) {
    input = parsed_json(arguments).value_or(WireJson());
    if (!input.is_object()) {
      throw_invalid(fmt::format("The arguments of tool call {} are not a JSON object",
                                call["id"].get<std::string>()));
    }
  }
  return {{"type", "tool_use"}, {"id", call["id"]}, {"name", function["name"]}, {"input", input}};
}

WireJson tool_result_block(const WireJson& message) {
  if (!message.value("tool_call_id", WireJson()).is_string()) {
    throw_invalid("A tool message needs a string 'tool_call_id'");
  }
  WireJson block = {{"type", "tool_result"}, {"tool_use_id", message["tool_call_id"]}};
  const WireJson& content = message.value("content", WireJson());
  if (content.is_string()) {
    block["content"] = content;
  } else {
    block["content"] = content_blocks(content, false);
  }
  return block;
}

class Conversation {
public:
  void add(const WireJson& message) {
    if (!message.is_object() || !message.value("role", WireJson()).is_string()) {
      throw_invalid("Each message needs a string 'role'");
    }
    const std::string role = message["role"];
    const WireJson& content = message.value("content", WireJson());
    if (role == "system" || role == "developer") {
      for (WireJson& block : content_blocks(content, false)) {
        m_system.push_back(std::move(block));
      }
    } else if (role == "user") {
      append("user", content_blocks(content, true));
    } else if (role == "tool") {
      append("user", WireJson::array({tool_result_block(message)}));
    } else if (role == "assistant") {
      WireJson blocks = message.value("thinking_blocks", WireJson::array());
      if (!blocks.is_array()) {
        throw_invalid("An assistant message's 'thinking_blocks' must be an array");
      }
      for (WireJson& block : content_blocks(content, false)) {
        blocks.push_back(std::move(block));
      }
      const WireJson& calls = message.value("tool_calls", WireJson::array());
      for (const WireJson& call : calls.is_array() ? calls : WireJson::array()) {
        blocks.push_back(tool_use_block(call));
      }
      append("assistant", std::move(blocks));
    } else {
      no_counterpart(fmt::format("A message of role '{}'", role));
    }
  }

  WireJson& system() { return m_system; }
  WireJson& turns() { return m_turns; }

private:
  void append(const char* role, WireJson blocks) {
    if (blocks.empty()) {
      return;
    }
    if (!m_turns.empty() && m_turns.back()["role"] == role) {
      for (WireJson& block : blocks) {
        m_turns.back()["content"].push_back(std::move(block));
      }
      return;
    }
    m_turns.push_back({{"role", role}, {"content", std::move(blocks)}});
  }

  WireJson m_system = WireJson::array();
  WireJson m_turns = WireJson::array();
};

WireJson tool_definition(const WireJson& tool) {
  const WireJson& function = tool.value("function", WireJson());
  if (tool.value("type", "") != "function" || !function.is_object() ||
      !function.value("name", WireJson()).is_string()) {
    no_counterpart("A tool that is not a function with a name");
  }
  WireJson out = {{"name", function["name"]}};
  if (function.contains("description")) {
    out["description"] = function["description"];
  }
  out["input_schema"] = function.value("parameters", WireJson{{"type", "object"}});
  if (function.contains("strict")) {
    out["strict"] = function["strict"];
  }
  return with_cache_control(std::move(out), tool);
}

WireJson tool_choice(const WireJson& choice) {
  if (choice == "auto") {
    return {{"type", "auto"}};
  }
  if (choice == "required") {
    return {{"type", "any"}};
  }
  if (choice == "none") {
    return {{"type", "none"}};
  }
  if (choice.is_object() && choice.value("type", "") == "function" &&
      choice.value("function", WireJson()).is_object() &&
      choice["function"].value("name", WireJson()).is_string()) {
    return {{"type", "tool"}, {"name", choice["function"]["name"]}};
  }
  no_counterpart("This tool_choice");
}

std::optional<std::int64_t> thinking_budget(const WireJson& effort) {
  if (effort == "low") {
    return 1024;
  }
  if (effort == "medium") {
    return 4096;
  }
  if (effort == "high") {
    return 16384;
  }
  return std::nullopt;
}

std::string translated(const ClientRequest& request, std::string_view upstream_model,
                       std::optional<std::int64_t> default_max_tokens) {
  WireJson chat = request_document(request);
  Conversation conversation;
  for (const WireJson& message : chat["messages"]) {
    conversation.add(message);
  }
  WireJson out = {{"model", upstream_model}};
  if (!conversation.system().empty()) {
    out["system"] = std::move(conversation.system());
  }
  out["messages"] = std::move(conversation.turns());
  const std::optional<std::int64_t> max_tokens =
      request.max_tokens.value_or(0) > 0 ? request.max_tokens : default_max_tokens;
  if (!max_tokens) {
    throw_invalid("The Messages API requires max_tokens: give max_tokens or "
                  "max_completion_tokens");
  }
  out["max_tokens"] = *max_tokens;
  for (auto& [name, value] : chat.items()) {
    if (name == "model" || name == "messages" || name == "max_tokens" ||
        name == "max_completion_tokens" || name == "tool_choice" ||
        name == "parallel_tool_calls" || k_ignored.count(name) != 0) {
      continue;
    }
    if (name == "stream" || name == "temperature" || name == "top_p" || name == "thinking" ||
        name == "top_k") {
      out[name] = value;
    } else if (name == "stop") {
      if (!value.is_null()) {
        out["stop_sequences"] = value.is_array() ? value : WireJson::array({value});
      }
    } else if (name == "user") {
      out["metadata"] = {{"user_id", value}};
    } else if (name == "tools") {
      out["tools"] = WireJson::array();
      for (const WireJson& tool : value) {
        out["tools"].push_back(tool_definition(tool));
      }
    } else if (name == "reasoning_effort") {
      const auto budget = thinking_budget(value);
      if (budget && *budget < *max_tokens && !chat.contains("thinking")) {
        out["thinking"] = {{"type", "enabled"}, {"budget_tokens", *budget}};
      }
    } else if ((name == "n" && value == 1) || (name == "logprobs" && value == false) ||
               (name == "response_format" && value.is_object() &&
                value.value("type", "") == "text")) {
      continue;
    } else {
      no_counterpart(fmt::format("The chat field '{}'{}", name,
                                 name == "n" ? " above 1" : ""));
    }
  }
  WireJson choice;
  if (chat.contains("tool_choice") && !chat["tool_choice"].is_null()) {
    choice = tool_choice(chat["tool_choice"]);
  }
  if (chat.value("parallel_tool_calls", WireJson()) == false &&
      (choice.is_null() || choice["type"] != "none")) {
    if (choice.is_null()) {
      choice = {{"type", "auto"}};
    }
    choice["disable_parallel_tool_use"] = true;
  }
  if (!choice.is_null()) {
    out["tool_choice"] = std::move(choice);
  }
  return wire_text(out);
}

}  // namespace

std::string messages_request_from_chat(const ClientRequest& request,
                                       std::string_view upstream_model,
                                       std::optional<std::int64_t> default_max_tokens) {
  try {
    return translated(request, upstream_model, default_max_tokens);
  } catch (const nlohmann::json::exception&) {
    throw_invalid("A message, part or tool of the request has a field of an unexpected type");
  }
}

}  // namespace llmgw
