#include "core/wire/translate/response_object.h"

#include "core/wire/translate/message_usage.h"
#include "core/wire/translate/responses_request_to_chat.h"

namespace llmgw {

std::string ResponseObject::item_id(std::string_view prefix, std::size_t index) const {
  std::string_view base = m_id;
  if (base.substr(0, 5) == "resp_") {
    base.remove_prefix(5);
  }
  std::string id(prefix);
  id.append("_").append(base).append("_").append(std::to_string(index));
  return id;
}

WireJson ResponseObject::shell(std::string_view status) const {
  return {{"id", m_id},
          {"object", "response"},
          {"created_at", m_created_at},
          {"status", status},
          {"error", nullptr},
          {"incomplete_details", nullptr},
          {"model", m_model},
          {"output", m_output}};
}

WireJson ResponseObject::in_progress() const {
  WireJson response = shell("in_progress");
  response["output"] = WireJson::array();
  response["usage"] = nullptr;
  return response;
}

WireJson ResponseObject::ended(std::string_view finish_reason, const WireJson& chat_usage) const {
  const bool cut = finish_reason == "length" || finish_reason == "content_filter";
  WireJson response = shell(cut ? "incomplete" : "completed");
  if (cut) {
    response["incomplete_details"] = {
        {"reason", finish_reason == "length" ? "max_output_tokens" : "content_filter"}};
  }
  response["usage"] = responses_usage(chat_usage);
  return response;
}

WireJson ResponseObject::failed(const std::string& code, const std::string& message,
                                const WireJson& chat_usage) const {
  WireJson response = shell("failed");
  response["error"] = {{"code", code}, {"message", message}};
  response["usage"] = responses_usage(chat_usage);
  return response;
}

WireJson message_part(const std::string& text, std::string_view part_type) {
  if (part_type == "refusal") {
    return {{"type", "refusal"}, {"refusal", text}};
  }
  return {{"type", "output_text"}, {"text", text}, {"annotations", WireJson::array()}};
}

WireJson message_item(const std::string& id, const std::string& text, std::string_view status,
                      std::string_view part_type) {
  return {{"id", id},
          {"type", "message"},
          {"status", status},
          {"role", "assistant"},
          {"content", WireJson::array({message_part(text, part_type)})}};
}

WireJson ResponseObject::call_item(const std::string& id, const std::string& call_id,
                                   const std::string& chat_name, const std::string& arguments,
                                   std::string_view status) const {
  WireJson item = {{"id", id},           {"type", "function_call"}, {"status", status},
                   {"call_id", call_id}, {"name", chat_name},       {"arguments", arguments}};
  for (const std::string& space : m_namespaces) {
    const std::string prefix = space + std::string(k_namespace_separator);
    if (chat_name.size() > prefix.size() && chat_name.compare(0, prefix.size(), prefix) == 0) {
      item["name"] = chat_name.substr(prefix.size());
      item["namespace"] = space;
      break;
    }
  }
  return item;
}

}  // namespace llmgw
