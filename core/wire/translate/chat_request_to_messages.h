#pragma once
// An OpenAI chat request rewritten as an Anthropic Messages request, for a chat client
// whose model is served by an Anthropic-kind provider.
//
//   system and developer messages   → `system` text blocks, in order
//   user text and image_url parts   → text and image blocks (a data: URL → base64 source)
//   assistant content, tool_calls   → text and tool_use blocks (arguments parsed)
//   assistant thinking_blocks       → its thinking blocks, first and unchanged (signatures kept)
//   role tool                       → a tool_result block of the next user turn
//   tools, tool_choice, parallel_tool_calls → tools (parameters → input_schema),
//                                     tool_choice (required → any, disable_parallel_tool_use)
//   max_tokens, max_completion_tokens → max_tokens; stop → stop_sequences;
//   user → metadata.user_id; temperature, top_p, stream → the same
//   reasoning_effort low/medium/high → thinking with 1024/4096/16384 budget tokens, where
//                                     the budget stays below max_tokens
//   thinking, top_k                 → passed on (fields only the Messages API knows)
//
// `cache_control` on a content part or a tool passes on. Consecutive turns of one role are
// one turn. Ignored, as they do not change the answer: stream_options (the usage always
// comes), store, metadata, seed, service_tier, prompt_cache_key, safety_identifier, n of
// 1, logprobs false, response_format of type text.
#include "core/wire/client_request.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

// `default_max_tokens` is what a request that gives no max tokens gets (the Messages API
// requires one): the mapping's max output. Throws Error(invalid), a message fit for a 400
// answer, for what has no counterpart: any other field, n above 1, audio or file parts, a
// tool call whose arguments are not a JSON object, a tool that is not a function, and no
// max tokens with no default.
std::string messages_request_from_chat(const ClientRequest& request,
                                       std::string_view upstream_model,
                                       std::optional<std::int64_t> default_max_tokens);

}  // namespace llmgw
