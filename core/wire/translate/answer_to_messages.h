#pragma once
// An OpenAI chat completion (a whole one, not streamed) rewritten as an Anthropic Messages
// answer, from its first choice: reasoning_content → a thinking block (with an empty
// signature: the provider gave none); content → a text block; tool_calls → tool_use
// blocks (arguments parsed; arguments that are no JSON object become an empty input);
// finish_reason → stop_reason; usage → input_tokens (the prompt less its cache reads),
// cache_read_input_tokens, output_tokens.
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

// nullopt when `answer` is not a JSON object with a `choices` array holding an object.
std::optional<std::string> messages_answer_from_chat(std::string_view answer);

}  // namespace llmgw
