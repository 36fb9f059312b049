#pragma once
// What llmgw reads of an answer of OpenAI's Responses API: its usage and its response id.
// Usage (core/wire/token_usage.h, k_responses_usage): a whole answer is a response object with
// a `usage`; a stream carries it once, in the response object of the event that ends it
// (response.completed, response.incomplete or response.failed). `input_tokens` include the
// cached ones, and `output_tokens` the reasoning ones. The id is the response object's, in
// a whole answer or in any stream event that carries the object (response.created first).
#include "core/json_scan.h"
#include "core/wire/token_usage.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

// Whether a Responses stream event of this type (its data's "type") ends the response.
bool ends_response(std::string_view type);

// The "type" of an object read in place (a Responses stream event's data, an output item),
// decoded, escapes and all; "" when it has none.
std::string response_event_type(const std::vector<JsonMember>& event);

// The usage of the response object in an event that ends a response, when it is valid
// (usage_among's rules); nothing for any other event.
std::optional<TokenUsage> response_end_usage(const std::vector<JsonMember>& event);

// Whether a response object's `output` holds a call of a tool the provider runs and bills
// per use or by the hour, besides the tokens (web search, file search, code interpreter,
// image generation): its usage is then not all it costs.
bool has_provider_tool_call(const std::vector<JsonMember>& response);

// The same for the response object in a stream event's `response` member.
bool event_has_provider_tool_call(const std::vector<JsonMember>& event);

// The longest response id llmgw records.
constexpr std::size_t k_max_response_id = 128;

// The `id` of a response object (a whole answer), when it is a string of 1 to
// k_max_response_id letters, digits, '_' and '-' (what providers' ids are made of); ""
// otherwise.
std::string response_id(const std::vector<JsonMember>& response);

// The same for the response object in a stream event's `response` member; "" without one.
std::string event_response_id(const std::vector<JsonMember>& event);

}  // namespace llmgw
