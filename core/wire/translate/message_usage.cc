#include "core/wire/translate/message_usage.h"

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

WireJson responses_usage(const WireJson& chat_usage) {
  auto details = [&chat_usage](const char* name) {
    return chat_usage.is_object() ? chat_usage.value(name, WireJson()) : WireJson();
  };
  const std::int64_t input = shown_count(chat_usage, "prompt_tokens");
  const std::int64_t output = shown_count(chat_usage, "completion_tokens");
  return {{"input_tokens", input},
          {"input_tokens_details",
           {{"cached_tokens",
             std::min(input, shown_count(details("prompt_tokens_details"), "cached_tokens"))}}},
          {"output_tokens", output},
          {"output_tokens_details",
           {{"reasoning_tokens", std::min(output, shown_count(details("completion_tokens_details"),
                                                              "reasoning_tokens"))}}},
          {"total_tokens", input + output}};
}

}  // namespace llmgw
