#include "core/translate/message_usage.h"

#include <algorithm>

namespace llmgw {

WireJson chat_usage(const WireJson& anthropic_usage) {
  const std::int64_t cache_read = shown_count(anthropic_usage, "cache_read_input_tokens");
  const std::int64_t prompt = shown_count(anthropic_usage, "input_tokens") + cache_read +
                              shown_count(anthropic_usage, "cache_creation_input_tokens");
  const std::int64_t completion = shown_count(anthropic_usage, "output_tokens");
  return {{"prompt_tokens", prompt},
          {"completion_tokens", completion},
          {"total_tokens", prompt + completion},
          {"prompt_tokens_details", {{"cached_tokens", cache_read}}}};
}

WireJson messages_usage(const WireJson& chat_usage) {
  const std::int64_t prompt = shown_count(chat_usage, "prompt_tokens");
  const WireJson details = chat_usage.is_object()
                               ? chat_usage.value("prompt_tokens_details", WireJson())
                               : WireJson();
  const std::int64_t cached = std::min(prompt, shown_count(details, "cached_tokens"));
  return {{"input_tokens", prompt - cached},
          {"cache_read_input_tokens", cached},
          {"output_tokens", shown_count(chat_usage, "completion_tokens")}};
}

}  // namespace llmgw
