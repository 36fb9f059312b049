#pragma once
// An Anthropic Messages stream rewritten as an OpenAI chat stream, for a chat client whose
// model an Anthropic-kind provider serves:
//
//   message_start                     → a chunk with role assistant (its id and model)
//   text_delta                        → delta.content
//   thinking_delta                    → delta.reasoning_content; at the block's end, the
//                                       whole block with its signature in
//                                       delta.thinking_blocks (never merged into text),
//                                       unless its text passed k_max_thinking_bytes
//                                       (memory per stream stays bounded)
//   redacted_thinking block           → delta.thinking_blocks, whole
//   tool_use start, input_json_delta  → delta.tool_calls (id and name first, then each
//                                       piece of the arguments, at the call's own index)
//   message_delta                     → a chunk with finish_reason (stop_reason mapped)
//   ping                              → an SSE comment, which chat clients skip
//   error                             → data: {"error": {"message", "type"}}
//   the end                           → the usage chunk, when the client asked for it
//                                       (stream_options.include_usage)
#include "core/wire/translate/message_usage.h"
#include "core/wire/translate/stream_translation.h"
#include "core/wire/translate/wire_json.h"

#include <cstddef>
#include <cstdint>
#include <map>

namespace llmgw {

class MessagesStreamToChat : public StreamTranslation {
public:
  // What one stream may make this hold: the text of a thinking block, and the blocks
  // tracked (a provider's blocks past it are not relayed).
  static constexpr std::size_t k_max_thinking_bytes = 8 << 20;
  static constexpr std::size_t k_max_blocks = 4096;

  MessagesStreamToChat(std::int64_t created, bool include_usage)
      : m_created(created), m_include_usage(include_usage) {}

  std::string event(const SseEvent& event) override;
  std::string keep_alive() override;
  std::string error(const nlohmann::json& redacted) override;
  std::string close() override;
  std::string end_event() override { return std::string(k_chat_done_event); }

private:
  struct Block {
    std::string type;
    int tool_index = -1;
    std::string thinking;
    std::string signature;
    bool whole = true;  // the thinking text is all here
  };

  std::string chunk(WireJson delta, const WireJson& finish_reason = WireJson()) const;
  std::string block_start(const WireJson& event);
  std::string block_delta(const WireJson& event);
  std::string block_stop(const WireJson& event);

  std::int64_t m_created;
  bool m_include_usage;
  WireJson m_id = "";
  WireJson m_model = "";
  WireJson m_usage = WireJson::object();  // Anthropic's, later counts replacing earlier ones
  std::map<std::int64_t, Block> m_blocks;
  int m_tool_calls = 0;
};

}  // namespace llmgw
