#pragma once
// How much a streamed event carries, in the three wire formats a stream relay reads: what
// a stream cut short is billed by (daemon/stream_relay.cc).
#include "core/json_scan.h"

#include <cstddef>
#include <string_view>
#include <vector>

namespace llmgw::daemon {

// What the deltas of an event carry: the bytes of their text (content, reasoning), and
// the bytes of the deltas as written (text, tool calls, audio, ...).
struct DeltaBytes {
  std::size_t text = 0;
  std::size_t written = 0;
};

// Those of the choices of a chat completion chunk.
DeltaBytes delta_bytes(const std::vector<JsonMember>& chunk);

// The same for an event of Anthropic's Messages stream: the `delta` of a
// content_block_delta (text, thinking, a tool call's input JSON, a signature).
DeltaBytes messages_delta_bytes(const std::vector<JsonMember>& event);

// The same for an event of OpenAI's Responses stream of `type` (response_event_type): the
// `delta` of a text, reasoning or tool-call arguments delta event.
DeltaBytes responses_delta_bytes(const std::vector<JsonMember>& event, std::string_view type);

}  // namespace llmgw::daemon
