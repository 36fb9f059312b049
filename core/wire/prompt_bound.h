#pragma once
// The most input tokens a provider can bill for a request body, and what in a body no
// bound can cover. One token per byte bounds any tokenizer: none makes more tokens than
// the UTF-8 bytes of its text, a JSON text is at least as long as the text it holds, and
// the JSON syntax around each message covers the framing tokens providers add for it.
#include "core/json_scan.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmgw {

// The instructions a provider adds for tool use (its tool-calling preamble), beyond the
// tools' own bytes; providers add a few hundred tokens at most.
constexpr std::int64_t k_tool_use_tokens = 1000;

// One image part of a message (type image_url, image or input_image, by URL or inline):
// its pixels are billed, not its bytes. OpenAI's small models scale their image counts up
// (gpt-4o-mini counts a high-detail image at up to about 25,500 tokens); this covers it.
constexpr std::int64_t k_image_part_tokens = 50000;

struct PromptBound {
  std::int64_t tokens = 0;
  // Why no bound covers the body, when none does: a message fit for a 400 answer.
  std::optional<std::string> unbounded;
};

// REQUIRES: `members` are the top-level members of a validated object, the last of each
// key. The bound: the bytes of each member but `model`, `stream` and `stream_options`
// (its key as written, a colon, its value as written and a separator), one token each;
// plus k_tool_use_tokens when `tools` or `functions` is a non-empty array or object; plus
// k_image_part_tokens for each image part of each message's `content`. Audio parts count
// by their bytes, which hold the audio. Unbounded: a content part of another type (or
// with no type, or an input_audio part without inline `data`), and `modalities` asking
// for audio output. The object items of `input` (a Responses body) count as messages
// do, and an item other than a message, a function or custom tool call or its output, or
// reasoning is unbounded (core/wire/prompt_bound.cc, count_item).
PromptBound prompt_bound(const std::vector<JsonMember>& members);

}  // namespace llmgw
