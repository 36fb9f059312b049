#pragma once
// An Anthropic Messages answer (a whole one, not streamed) rewritten as an OpenAI chat
// completion: text blocks → message.content; thinking → reasoning_content, and each
// thinking or redacted_thinking block whole, signature included, in thinking_blocks (a
// chat client that sends them back in its next assistant message gets them passed on);
// tool_use → tool_calls (input → arguments text); stop_reason → finish_reason; usage →
// prompt_tokens (input plus cache reads and writes), completion_tokens,
// prompt_tokens_details.cached_tokens (cache reads).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

// nullopt when `answer` is not a JSON object with a `content` array.
std::optional<std::string> chat_answer_from_messages(std::string_view answer,
                                                     std::int64_t created);

}  // namespace llmgw
