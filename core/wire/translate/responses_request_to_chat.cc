#include "core/wire/translate/responses_request_to_chat.h"

#include "core/error.h"
#include "core/wire/translate/wire_json.h"

#include <fmt/format.h>

#include <set>

namespace llmgw {

namespace {

[[noreturn]] void no_counterpart(const std::string& what) {
  throw_invalid(fmt::format("{} has no counterpart in the chat API", what));
}

// The longest function name the chat API takes.
constexpr std::size_t k_max_chat_tool_name = 64;

const std::set<std::string, std::less<>> k_ignored = {
    "include",          "metadata",          "client_metadata", "service_tier",
    "truncation",       "prompt_cache_key",  "safety_identifier", "stream_options",
    "store"};

// The chat name of a tool `name` in the namespace `space` ("" for none), at most as long
// as the chat API allows: a namespace's name is repeated in each of its tools.
std::string chat_tool_name(const std::string& space, const std::string& name) {
  std::string chat = space.empty() ? name : space + std::string(k_namespace_separator) + name;
  if (!space.empty() && chat.size() > k_max_chat_tool_name) {
    throw_invalid(fmt::format("The tool '{}' of the namespace '{}' would be named with more "
                              "than {} characters in the chat API",
                              name.substr(0, k_max_chat_tool_name),
                              space.substr(0, k_max_chat_tool_name), k_max_chat_tool_name));
  }
  return chat;
}

std::string type_of(const WireJson& item) {
  return item.is_object() ? item.value("type", "") : "";
}

const std::string& string_field(const WireJson& object, const char* name, const char* what) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    throw_invalid(fmt::format("{} needs a string '{}'", what, name));
  }
  return it->get_ref<const std::string&>();
}

WireJson image_part(const WireJson& part) {
  WireJson url = {{"url", string_field(part, "image_url", "An input_image part")}};
  if (part.contains("detail")) {
    url["detail"] = part["detail"];
  }
  return {{"type", "image_url"}, {"image_url", std::move(url)}};
}

// A message item's content, or a function call's output, as chat content: a string stays
// one; parts become text and image_url parts.
WireJson chat_content(const WireJson& content, const char* what) {
  if (content.is_string()) {
    return content;
  }
  if (!content.is_array()) {
    throw_invalid(fmt::format("The content of {} must be a string or an array of parts", what));
  }
  WireJson parts = WireJson::array();
  for (const WireJson& part : content) {
    const std::string type = type_of(part);
    if (type == "input_text" || type == "output_text") {
      parts.push_back({{"type", "text"}, {"text", string_field(part, "text", "A text part")}});
    } else if (type == "input_image") {
      parts.push_back(image_part(part));
    } else {
      no_counterpart(fmt::format("A content part of type '{}'", type));
    }
  }
  return parts;
}

// The text of an assistant message item: chat gives an assistant turn text alone.
std::string assistant_text(const WireJson& content) {
  if (content.is_string()) {
    return content.get<std::string>();
  }
  std::string text;
  for (const WireJson& part : content.is_array() ? content : WireJson::array()) {
    const std::string type = type_of(part);
    if (type != "output_text" && type != "input_text" && type != "refusal") {
      no_counterpart(fmt::format("An assistant content part of type '{}'", type));
    }
    text += string_field(part, type == "refusal" ? "refusal" : "text", "An assistant content part");
  }
  return text;
}

class Conversation {
public:
  explicit Conversation(WireJson& messages) : m_messages(messages) {}

  void add(const WireJson& item) {
    const std::string type = type_of(item);
    if (type == "function_call") {
      call(item);
    } else if (type == "function_call_output") {
      m_messages.push_back({{"role", "tool"},
                            {"tool_call_id", string_field(item, "call_id", "A function_call_output item")},
                            {"content", chat_content(item.value("output", WireJson()),
                                                     "a function_call_output")}});
    } else if (type == "message" || (type.empty() && item.is_object() && item.contains("role"))) {
      message(item);
    } else if (type != "reasoning") {
      no_counterpart(fmt::format("An input item of type '{}'", type));
    }
  }

private:
  void message(const WireJson& item) {
    const std::string& role = string_field(item, "role", "A message item");
    const WireJson& content = item.value("content", WireJson());
    if (role == "assistant") {
      m_messages.push_back({{"role", "assistant"}, {"content", assistant_text(content)}});
    } else if (role == "user" || role == "system" || role == "developer") {
      m_messages.push_back({{"role", role == "user" ? "user" : "system"},
                            {"content", chat_content(content, "a message")}});
    } else {
      no_counterpart(fmt::format("A message of role '{}'", role));
    }
  }

  // Calls join the assistant message just before them, or start one.
  void call(const WireJson& item) {
    const std::string space = string_in(item, "namespace");
    WireJson tool_call = {{"id", string_field(item, "call_id", "A function_call item")},
                          {"type", "function"},
                          {"function",
                           {{"name", chat_tool_name(space, string_field(item, "name",
                                                                        "A function_call item"))},
                            {"arguments", string_field(item, "arguments", "A function_call item")}}}};
    if (m_messages.empty() || m_messages.back().value("role", "") != "assistant") {
      m_messages.push_back({{"role", "assistant"}, {"content", nullptr}});
    }
    WireJson& assistant = m_messages.back();
    if (assistant["content"] == "") {
      assistant["content"] = nullptr;
    }
    assistant["tool_calls"].push_back(std::move(tool_call));
  }

  WireJson& m_messages;
};

WireJson function_tool(const WireJson& tool, const std::string& space) {
  if (type_of(tool) != "function") {
    no_counterpart(fmt::format("A tool of type '{}'", type_of(tool)));
  }
  WireJson function = {{"name", chat_tool_name(space, string_field(tool, "name", "A function tool"))}};
  for (const char* name : {"description", "parameters", "strict"}) {
    if (tool.contains(name) && !tool[name].is_null()) {
      function[name] = tool[name];
    }
  }
  return {{"type", "function"}, {"function", std::move(function)}};
}

// Function tools, and those of namespaces, each under a chat name of its own.
WireJson chat_tools(const WireJson& tools) {
  WireJson out = WireJson::array();
  std::set<std::string, std::less<>> names;
  auto add = [&out, &names](WireJson function) {
    const std::string& name = function["function"]["name"].get_ref<const std::string&>();
    if (!names.insert(name).second) {
      throw_invalid(fmt::format("Two tools would both be named '{}' in the chat API", name));
    }
    out.push_back(std::move(function));
  };
  for (const WireJson& tool : tools) {
    if (type_of(tool) != "namespace") {
      add(function_tool(tool, ""));
      continue;
    }
    const std::string& space = string_field(tool, "name", "A namespace tool");
    for (const WireJson& member : tool.value("tools", WireJson::array())) {
      add(function_tool(member, space));
    }
  }
  return out;
}

WireJson tool_choice(const WireJson& choice) {
  if (choice == "auto" || choice == "none" || choice == "required") {
    return choice;
  }
  if (type_of(choice) == "function") {
    return {{"type", "function"},
            {"function", {{"name", string_field(choice, "name", "A tool_choice")}}}};
  }
  no_counterpart(choice.is_string() ? fmt::format("A tool_choice of '{}'", choice.get<std::string>())
                                    : fmt::format("A tool_choice of type '{}'", type_of(choice)));
}

void add_text_config(const WireJson& text, WireJson& out) {
  if (!text.is_object()) {
    throw_invalid("The Responses field 'text' must be an object");
  }
  for (auto& [name, value] : text.items()) {
    if (name == "format") {
      const std::string type = type_of(value);
      if (type == "json_schema") {
        WireJson schema = {{"name", string_field(value, "name", "A json_schema text format")},
                           {"schema", value.value("schema", WireJson::object())}};
        if (value.contains("strict")) {
          schema["strict"] = value["strict"];
        }
        out["response_format"] = {{"type", "json_schema"}, {"json_schema", std::move(schema)}};
      } else if (type == "json_object") {
        out["response_format"] = {{"type", "json_object"}};
      } else if (type != "text") {
        no_counterpart(fmt::format("A text format of type '{}'", type));
      }
    } else if (name != "verbosity") {
      no_counterpart(fmt::format("The Responses field 'text.{}'", name));
    }
  }
}

void add_reasoning(const WireJson& reasoning, WireJson& out) {
  if (!reasoning.is_object()) {
    throw_invalid("The Responses field 'reasoning' must be an object");
  }
  for (auto& [name, value] : reasoning.items()) {
    if (name == "effort") {
      if (!value.is_null()) {
        out["reasoning_effort"] = value;
      }
    } else if (name != "summary" && name != "generate_summary") {
      no_counterpart(fmt::format("The Responses field 'reasoning.{}'", name));
    }
  }
}

std::string translated(const ClientRequest& request, std::string_view upstream_model) {
  WireJson responses = request_document(request);
  if (!responses.value("previous_response_id", WireJson()).is_null()) {
    throw_invalid("'previous_response_id' needs the stored response, which only a provider "
                  "that serves the Responses API keeps");
  }
  if (responses.value("store", false) == true) {
    throw_invalid("'store' true asks for the response to be kept, which only a provider "
                  "that serves the Responses API does; send \"store\": false");
  }
  WireJson messages = WireJson::array();
  if (responses.contains("instructions") && !responses["instructions"].is_null()) {
    messages.push_back({{"role", "system"}, {"content", responses["instructions"]}});
  }
  const WireJson& input = responses["input"];
  if (input.is_string()) {
    messages.push_back({{"role", "user"}, {"content", input}});
  } else {
    Conversation conversation(messages);
    for (const WireJson& item : input) {
      conversation.add(item);
    }
  }
  WireJson out = {{"model", upstream_model}, {"messages", std::move(messages)}};
  for (auto& [name, value] : responses.items()) {
    if (name == "model" || name == "input" || name == "instructions" || value.is_null() ||
        k_ignored.count(name) != 0) {
      continue;  // null is as absent
    }
    if (name == "max_output_tokens") {
      out["max_completion_tokens"] = value;
    } else if (name == "stream") {
      out["stream"] = value;
      if (value == true) {
        out["stream_options"] = {{"include_usage", true}};
      }
    } else if (name == "temperature" || name == "top_p" || name == "user" ||
               name == "parallel_tool_calls") {
      out[name] = value;
    } else if (name == "tools") {
      out["tools"] = chat_tools(value);
    } else if (name == "tool_choice") {
      out["tool_choice"] = tool_choice(value);
    } else if (name == "text") {
      add_text_config(value, out);
    } else if (name == "reasoning") {
      add_reasoning(value, out);
    } else {
      no_counterpart(fmt::format("The Responses field '{}'", name));
    }
  }
  return wire_text(out);
}

}  // namespace

std::vector<std::string> tool_namespaces(const ClientRequest& request) {
  std::vector<std::string> spaces;
  for (const JsonMember& m : request.members) {
    if (m.key != "tools") {
      continue;
    }
    const WireJson tools = WireJson::parse(m.value.text);
    for (const WireJson& tool : tools.is_array() ? tools : WireJson::array()) {
      if (type_of(tool) == "namespace" && !string_in(tool, "name").empty()) {
        spaces.push_back(string_in(tool, "name"));
      }
    }
  }
  return spaces;
}

std::string chat_request_from_responses(const ClientRequest& request,
                                        std::string_view upstream_model) {
  try {
    return translated(request, upstream_model);
  } catch (const nlohmann::json::exception&) {
    throw_invalid("An item, part or tool of the request has a field of an unexpected type");
  }
}

}  // namespace llmgw
