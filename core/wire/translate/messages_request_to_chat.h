#pragma once
// An Anthropic Messages request rewritten as an OpenAI chat request, for a Messages client
// (Claude Code) whose model is served by an OpenAI-kind provider.
//
//   system (a string or text blocks)  → the first message, role system (a string, or a
//                                       text part per block)
//   a system turn among the messages  → a message of role system, in its place
//   user text and image blocks        → text and image_url parts (base64 → a data: URL)
//   user tool_result blocks           → role tool messages, before the turn's other parts
//   assistant text and tool_use       → content and tool_calls (input → arguments text)
//   assistant thinking, redacted_thinking → dropped: only their own provider reads them
//   tools (custom), tool_choice       → function tools (input_schema → parameters),
//                                       tool_choice (any → required, disable_parallel_tool_use
//                                       → parallel_tool_calls false)
//   max_tokens → max_completion_tokens; stop_sequences → stop; metadata.user_id → user;
//   temperature, top_p → the same; stream → stream with stream_options.include_usage
//   output_config.format (a JSON schema) → response_format json_schema, strict
//
// Dropped, as the chat API has no place for them and they do not change what is asked:
// cache_control (OpenAI-kind providers cache by themselves), top_k, service_tier,
// context_management (the whole context goes on), thinking and output_config.effort
// (whether and how much a chat model reasons is its own setting, and a model that does
// not reason refuses reasoning_effort).
#include "core/wire/client_request.h"

#include <string>
#include <string_view>

namespace llmgw {

// Throws Error(invalid), a message fit for a 400 answer, for what has no counterpart: any
// other field, a block type not listed above (documents, server tool results, ...), a tool
// with a type (a server tool).
std::string chat_request_from_messages(const ClientRequest& request,
                                       std::string_view upstream_model);

}  // namespace llmgw
