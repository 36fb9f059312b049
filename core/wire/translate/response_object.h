#pragma once
// The Responses API's response object and output items as a translated answer or stream
// shows them (core/wire/translate/answer_to_responses.h, chat_stream_to_responses.h): built
// from a chat completion's parts, under the id llmgw gives the response.
#include "core/wire/translate/wire_json.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

class ResponseObject {
public:
  // `id` is the response's ("resp_..."), `created_at` Unix seconds; `namespaces` those of
  // the request's namespace tools (core/wire/translate/responses_request_to_chat.h).
  ResponseObject(std::string id, std::int64_t created_at, std::vector<std::string> namespaces)
      : m_id(std::move(id)), m_created_at(created_at), m_namespaces(std::move(namespaces)) {}

  void set_model(const WireJson& model) { m_model = model.is_string() ? model : WireJson(""); }
  // Where the next output item goes, and the id it gets ("msg_..._0", "fc_..._1").
  std::size_t next_index() const { return m_output.size(); }
  std::string item_id(std::string_view prefix, std::size_t index) const;
  void add(WireJson item) { m_output.push_back(std::move(item)); }

  // The response as a stream starts it: status in_progress, no output, no usage.
  WireJson in_progress() const;
  // The response as it ended: status completed, or incomplete for a chat finish_reason of
  // length (max_output_tokens) or content_filter, with its output and its usage (chat
  // usage, shown in the Responses API's words).
  WireJson ended(std::string_view finish_reason, const WireJson& chat_usage) const;
  // The response as a stream's error ended it: status failed, with the error.
  WireJson failed(const std::string& code, const std::string& message,
                  const WireJson& chat_usage) const;
  const std::string& id() const { return m_id; }

  // A function_call item for a chat tool call of `chat_name`: a tool of a namespace gets
  // its own name and the namespace's.
  WireJson call_item(const std::string& id, const std::string& call_id,
                     const std::string& chat_name, const std::string& arguments,
                     std::string_view status) const;

private:
  WireJson shell(std::string_view status) const;

  std::string m_id;
  std::int64_t m_created_at;
  std::vector<std::string> m_namespaces;
  WireJson m_model = "";
  WireJson m_output = WireJson::array();
};

// An assistant message item holding `text` as its one part: an output_text part, or with
// `part_type` "refusal", a refusal part (the model declined).
WireJson message_item(const std::string& id, const std::string& text, std::string_view status,
                      std::string_view part_type = "output_text");
// The part a message item holds `text` in: {"type": "output_text", "text", "annotations"}
// or {"type": "refusal", "refusal"}.
WireJson message_part(const std::string& text, std::string_view part_type);

}  // namespace llmgw
