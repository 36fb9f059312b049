#pragma once
// An OpenAI chat stream rewritten as a Responses API stream, for a Responses client
// (Codex) whose model a provider without that API serves. Output items open and close as
// the deltas change kind, one open at a time, numbered from 0; every event carries its
// sequence_number:
//
//   the first chunk        → response.created, response.in_progress (status in_progress)
//   delta.content          → a message item: response.output_item.added,
//                            response.content_part.added, then response.output_text.delta
//   delta.refusal          → the same with a refusal part, and response.refusal.delta
//   delta.tool_calls       → a function_call item per call (call_id and name at its
//                            start): response.output_item.added, then each piece of the
//                            arguments a response.function_call_arguments.delta
//   delta.reasoning_content → dropped (no encrypted reasoning to hand back later)
//   closing an item        → response.output_text.done (or .refusal.done) and
//                            response.content_part.done, or
//                            response.function_call_arguments.done; then
//                            response.output_item.done with the whole item
//   a comment (keep-alive) → a comment
//   an error               → event: error {"type": "error", "code", "message"}; the
//                            stream's end is then response.failed
//   the end                → the open item closed; end_event(): response.completed (or
//                            .incomplete, .failed) with every item and the usage
//
// The ending event repeats every item, so the translation holds them: at most
// k_max_held_bytes of text and arguments in at most k_max_held_items items. Past that, an
// error event (code response_too_large) ends what the client is sent; the provider's
// stream is still read for its usage, and the end is response.failed with the items
// closed before.
#include "core/wire/translate/response_object.h"
#include "core/wire/translate/stream_translation.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmgw {

class ChatStreamToResponses : public StreamTranslation {
public:
  static constexpr std::size_t k_max_held_bytes = 16 << 20;
  static constexpr std::size_t k_max_held_items = 4096;

  // `id` is the response's, `created_at` Unix seconds, `namespaces` those of the request's
  // namespace tools.
  ChatStreamToResponses(std::string id, std::int64_t created_at,
                        std::vector<std::string> namespaces = {})
      : m_response(std::move(id), created_at, std::move(namespaces)) {}

  std::string event(const SseEvent& event) override;
  std::string keep_alive() override;
  std::string error(const nlohmann::json& redacted) override;
  std::string close() override;
  std::string end_event() override;

private:
  // The event `type` with `fields` and the next sequence number.
  std::string emit(std::string_view type, const WireJson& fields);
  std::string start(const WireJson& chunk);
  // A piece of the open message's output text, or of its refusal when `refusal`.
  std::string text(const std::string& piece, bool refusal);
  std::string call(std::int64_t tool, const WireJson& delta);
  std::string close_item();
  // Counts `bytes` more held, and an item more when `item`: false, with the error event in
  // `out`, once past the bounds.
  bool hold(std::size_t bytes, bool item, std::string& out);

  enum class Open { none, text, refusal, call };

  ResponseObject m_response;
  bool m_started = false;
  std::int64_t m_sequence = 0;
  WireJson m_usage;  // the chat usage, the last one the provider sent
  std::string m_finish_reason;
  std::optional<StreamError> m_error;
  std::size_t m_held_bytes = 0;
  std::size_t m_held_items = 0;
  Open m_open = Open::none;
  std::size_t m_index = 0;  // of the open item
  std::string m_item_id;
  std::int64_t m_tool = -1;  // the chat index of the open call
  std::string m_text;        // the open message's text, or the open call's arguments
  std::string m_call_id;
  std::string m_name;
};

}  // namespace llmgw
