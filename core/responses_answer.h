#pragma once
// Token usage as OpenAI's Responses API reports it (core/token_usage.h, k_responses_usage):
// a whole answer is a response object with a `usage`; a stream carries it once, in the
// response object of the event that ends it (response.completed, response.incomplete or
// response.failed). `input_tokens` include the cached ones, and `output_tokens` the
// reasoning ones.
#include "core/json_scan.h"
#include "core/token_usage.h"

#include <optional>
#include <string_view>
#include <vector>

namespace llmgw {

// Whether a Responses stream event of this type (its data's "type") ends the response.
bool ends_response(std::string_view type);

// The data's "type" of a Responses stream event read in place, "" when it has none.
std::string_view response_event_type(const std::vector<JsonMember>& event);

// The usage of the response object in an event that ends a response, when it is valid
// (usage_among's rules); nothing for any other event.
std::optional<TokenUsage> response_end_usage(const std::vector<JsonMember>& event);

}  // namespace llmgw
