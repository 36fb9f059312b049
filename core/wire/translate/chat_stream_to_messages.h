#pragma once
// An OpenAI chat stream rewritten as an Anthropic Messages stream, for a Messages client
// (Claude Code) whose model an OpenAI-kind provider serves. Blocks open and close as the
// deltas change kind, one block open at a time, numbered from 0:
//
//   the first chunk                   → message_start (its id and model; the input counts
//                                       when the chunk carries usage, else 0: an
//                                       OpenAI-compatible provider counts only at the end,
//                                       and the final message_delta carries them)
//   delta.reasoning_content           → a thinking block (signature ""), thinking_delta
//   delta.content                     → a text block, text_delta
//   delta.tool_calls                  → a tool_use block per call (id and name at its
//                                       start), each piece of the arguments an
//                                       input_json_delta
//   finish_reason                     → the stop_reason of the final message_delta
//   a comment (keep-alive)            → ping
//   an error                          → event: error, {"type": "error", "error": {...}}
//   the end                           → content_block_stop, then message_delta with the
//                                       stop reason and the usage (input_tokens,
//                                       cache_read_input_tokens, output_tokens)
#include "core/wire/translate/stream_translation.h"
#include "core/wire/translate/wire_json.h"

#include <cstdint>
#include <map>
#include <string>

namespace llmgw {

class ChatStreamToMessages : public StreamTranslation {
public:
  std::string event(const SseEvent& event) override;
  std::string keep_alive() override;
  std::string error(const nlohmann::json& redacted) override;
  std::string close() override;
  std::string end_event() override { return std::string(k_message_stop_event); }

private:
  std::string start(const WireJson& chunk);
  // Closes the open block unless it is of `type` (and, for a tool call, `tool`), then
  // opens `block` as the next one.
  std::string switch_to(const std::string& type, std::int64_t tool, const WireJson& block);
  std::string stop_block();
  std::string delta(const WireJson& delta);

  bool m_started = false;
  WireJson m_usage;  // the chat usage, the last one the provider sent
  std::string m_finish_reason;
  std::int64_t m_next_index = 0;
  std::string m_open_type;    // "" when no block is open
  std::int64_t m_open_tool = -1;  // the chat index of the open tool call
};

}  // namespace llmgw
