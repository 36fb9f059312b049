#pragma once
// How the two APIs say why a completion stopped: Anthropic's Messages `stop_reason` and
// OpenAI's chat `finish_reason`. Unknown values map to the plain stop of the other side.
#include <string_view>

namespace llmgw {

// end_turn, stop_sequence, pause_turn → stop; max_tokens,
// model_context_window_exceeded → length; tool_use → tool_calls; refusal → content_filter.
std::string_view chat_finish_reason(std::string_view stop_reason);

// stop → end_turn; length → max_tokens; tool_calls, function_call → tool_use;
// content_filter → refusal.
std::string_view messages_stop_reason(std::string_view finish_reason);

}  // namespace llmgw
