#pragma once
// An OpenAI Responses request rewritten as an OpenAI chat request, for a Responses client
// (Codex, the OpenAI SDK's responses.create) whose model is served by a provider without
// the Responses API: an OpenAI-kind one directly, an Anthropic-kind one through the chat
// request's own translation (core/wire/translate/chat_request_to_messages.h). Stateless: the
// whole conversation is in the request.
//
//   instructions                      → the first message, role system
//   input (a string)                  → one user message
//   a message item (role user, system, developer, assistant; content a string or parts)
//                                     → a message of that role (developer → system):
//                                       input_text and output_text → text, input_image →
//                                       an image_url part (its detail kept)
//   function_call items               → tool_calls of one assistant message (with the
//                                       text of the assistant message before them)
//   function_call_output              → a role tool message (its output a string, or text
//                                       and image parts)
//   reasoning items                   → dropped: only their own provider reads them
//   tools (function), tool_choice, parallel_tool_calls → function tools and tool_choice;
//                                       a namespace's tools each a function named
//                                       "<namespace>__<name>", as are calls in it
//   max_output_tokens → max_completion_tokens; reasoning.effort → reasoning_effort;
//   text.format (json_schema, json_object) → response_format; temperature, top_p, user →
//   the same; stream → stream with stream_options.include_usage
//
// Ignored, as they do not change the answer: store false, include, metadata,
// service_tier, truncation, prompt_cache_key, safety_identifier, reasoning.summary,
// text.verbosity, stream_options.
#include "core/wire/client_request.h"

#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

// Between a namespace and a tool's name in the chat name of a namespaced tool.
constexpr std::string_view k_namespace_separator = "__";

// The names of the request's namespace tools, as the answer's calls are told apart by.
std::vector<std::string> tool_namespaces(const ClientRequest& request);

// Throws Error(invalid), a message fit for a 400 answer, for what has no counterpart: any
// other field, an item or part of another type (a file, a provider-run tool's call), a
// tool that is not a function, and what needs state the provider does not keep
// (previous_response_id, store true).
std::string chat_request_from_responses(const ClientRequest& request,
                                        std::string_view upstream_model);

}  // namespace llmgw
