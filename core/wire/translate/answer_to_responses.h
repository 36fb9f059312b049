#pragma once
// An OpenAI chat completion (a whole one, not streamed) rewritten as a Responses API
// response, from its first choice: content → a message item with one output_text part;
// refusal → a message item with one refusal part;
// tool_calls → function_call items (call_id, name, arguments as written); reasoning
// content is dropped (a chat provider gives no encrypted reasoning a later request could
// hand back); finish_reason → status (length → incomplete, max_output_tokens); usage →
// input_tokens, cached_tokens, output_tokens, reasoning_tokens.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

// `id` is the response's, `created_at` Unix seconds, `namespaces` those of the request's
// namespace tools. nullopt when `answer` is not a JSON object with a `choices` array
// holding an object.
std::optional<std::string> responses_answer_from_chat(std::string_view answer,
                                                      const std::string& id,
                                                      std::int64_t created_at,
                                                      std::vector<std::string> namespaces = {});

}  // namespace llmgw
