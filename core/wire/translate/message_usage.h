#pragma once
// Usage shown in the other API's words, for translated answers and streams. Billing reads
// the provider's own counts (core/wire/token_usage.h, core/wire/anthropic_usage.h); these are what
// the client is told, the same tokens.
#include "core/wire/translate/wire_json.h"

namespace llmgw {

// Anthropic's usage as chat usage: prompt_tokens is input_tokens plus cache reads and
// writes, prompt_tokens_details.cached_tokens the reads.
WireJson chat_usage(const WireJson& anthropic_usage);

// Chat usage as Anthropic's: input_tokens is prompt_tokens less cached_tokens, which are
// cache_read_input_tokens.
WireJson messages_usage(const WireJson& chat_usage);

// Chat usage as the Responses API's: input_tokens with input_tokens_details.cached_tokens,
// output_tokens with output_tokens_details.reasoning_tokens, total_tokens.
WireJson responses_usage(const WireJson& chat_usage);

}  // namespace llmgw
