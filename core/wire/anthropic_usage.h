#pragma once
// Token usage as Anthropic's Messages API reports it, read into llmgw's token model
// (core/wire/token_usage.h). Anthropic's `input_tokens` are only the prompt tokens neither read
// from nor written to the cache: the prompt is input_tokens + cache_read_input_tokens +
// cache_creation_input_tokens, and `output_tokens` include thinking. Cache writes are kept
// 5 minutes unless `cache_creation.ephemeral_1h_input_tokens` says how many are kept an
// hour.
//
// A whole answer has one usage object; a stream has one in `message_start.message` (its
// output count a placeholder) and running totals in each `message_delta`, whose counts
// replace the earlier ones.
#include "core/json_scan.h"
#include "core/wire/token_usage.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace llmgw {

class AnthropicUsage {
public:
  // Takes the counts of one usage object (absent and null counts leave what was read
  // before). A count that is not an integer from 0 to k_max_usage_tokens, or a `usage`
  // or `cache_creation` that is not an object, makes the whole usage invalid.
  void add(const JsonSlice& usage);
  // As add(), for the usage of a whole answer or a message_delta: its output count is final.
  void add_final(const JsonSlice& usage);
  // The members of an answer or stream event: the usage of a message object or of a
  // message_delta event (`usage`, whose output count is final), or of a message_start
  // event (`message.usage`).
  void add_from(const std::vector<JsonMember>& object);

  // The usage, when some was read, it is valid and it holds input and output counts.
  std::optional<TokenUsage> total() const;
  // Whether the output count is the last word: that of a whole answer, or of a stream's
  // message_delta (message_start's is a placeholder, before anything is generated).
  bool output_final() const { return m_output_final; }
  // Whether the usage reports what llmgw does not price: server tool uses (web searches,
  // code execution) or extra sampling iterations (compaction), billed by the provider
  // besides the tokens.
  bool has_unpriced() const { return m_unpriced; }

private:
  bool m_invalid = false;
  bool m_output_final = false;
  bool m_unpriced = false;
  std::optional<std::int64_t> m_input;
  std::optional<std::int64_t> m_output;
  std::optional<std::int64_t> m_cache_read;
  std::optional<std::int64_t> m_cache_write;
  std::optional<std::int64_t> m_cache_write_1h;
};

}  // namespace llmgw
