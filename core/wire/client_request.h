#pragma once
// core/wire/: the APIs llmgw speaks (OpenAI chat and embeddings, Anthropic Messages, the
// Responses API): requests, answers, streams and usage read, and translated between them,
// over core's JSON reader, catalog and money.
//
// A client's request body for /v1/chat/completions, /v1/embeddings, /v1/messages
// (Anthropic's Messages API) or /v1/responses (OpenAI's Responses API): checked once, read in place, and rewritten for the upstream. The upstream receives one object member per key:
// where the client repeated a key, only the last one goes on, which is the one read here
// (a duplicate "model" key cannot smuggle a second model past the check). Values go on
// as the client wrote them, but for `model` and, when a chat request streams,
// stream_options.
#include "core/json_scan.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

// The route a body came to. count_tokens is Anthropic's /v1/messages/count_tokens: a
// Messages body without max_tokens, counted, never run.
enum class Endpoint { chat, embeddings, messages, count_tokens, responses };

// Deeper JSON is refused before it is read: reading it recurses (here, and in
// nlohmann/json 3.11.2 when the echo model parses it), so unbounded depth could exhaust
// the stack.
constexpr int k_max_json_depth = 64;
// Caps that keep the work on one body small and linear: members in any one object of the
// body (repeated keys counted), and items of `messages`.
constexpr std::size_t k_max_object_members = 10000;
constexpr std::size_t k_max_messages = 100000;

struct ClientRequest {
  Endpoint endpoint = Endpoint::chat;
  // The body's members, the last of each key, slices of the client's text: the request
  // must not outlive the text it was parsed from.
  std::vector<JsonMember> members;
  std::string model;
  bool stream = false;
  bool include_usage = false;              // the client asked for the usage chunk
  // The larger of max_completion_tokens and max_tokens (chat), max_tokens (Messages),
  // max_output_tokens (Responses).
  std::optional<std::int64_t> max_tokens;
  // The answers the output is billed for: the larger of `n` and `best_of`, 1 without them.
  std::int64_t choices = 1;
  // The prompt BOUND, the most input tokens a provider can bill for the body
  // (core/wire/prompt_bound.h), not an estimate: the name is kept for its callers.
  std::int64_t prompt_tokens_estimate = 0;
  // Why no bound covers the body's cost, when none does (core/wire/prompt_bound.h): a message
  // fit for a 400 answer to a key with a spending limit.
  std::optional<std::string> unbounded;
  // The stored response a Responses request continues, when it gives one.
  std::optional<std::string> previous_response_id;
};

// REQUIRES: `text` outlives the request. Throws Error(invalid) with a message fit for a
// 400 answer: malformed JSON, too deep, an object with more than k_max_object_members
// members, not an object, `model` missing or not a non-empty string, `messages` (chat)
// missing, of the wrong type or with more than k_max_messages items, `input` (embeddings)
// missing or of the wrong type, `stream` not a boolean, either max tokens not a
// non-negative integer, `n` or `best_of` not an integer of at least 1, a key (at the top
// or in stream_options) holding U+0000, a key that differs from a field only in case. A
// Messages request (`messages`) needs `max_tokens`, an integer of at least 1, and has
// neither `n` nor stream_options; a count_tokens one needs no max_tokens. A Responses
// request needs `input`, a string or an array of objects (at most k_max_messages), may
// give max_output_tokens (a non-negative integer), and is refused `background` true
// (llmgw bills a response when it ends, and a background one ends unseen) and a
// `conversation` (the Conversations API, which llmgw does not serve), and an `input` item
// the provider would fill in from its store (an item_reference, an item with neither type
// nor role, reasoning without encrypted_content);
// `previous_response_id`, when not null, is a string.
// The prompt bound and what cannot be bounded are prompt_bound() of the members.
ClientRequest parse_client_request(std::string_view text, Endpoint endpoint);

// The body to send upstream: the client's object with `model` set to `upstream_model`,
// and, when a chat request streams, stream_options.include_usage forced on.
std::string upstream_body(const ClientRequest& request, std::string_view upstream_model);

// The value of the body's member `name`, or nullopt.
std::optional<JsonSlice> member(const ClientRequest& request, std::string_view name);

// A rough token count for text: one token per 4 bytes, rounded up. What the echo model
// reports; never a bound.
std::int64_t estimate_tokens(std::size_t bytes);

}  // namespace llmgw
