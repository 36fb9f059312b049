#pragma once
// What a Messages request (Anthropic's API), or a Responses one (OpenAI's), may ask for
// that the provider bills beyond its tokens, or prices above the catalog, so that no bound
// llmgw computes covers it: server tools (web search, web fetch, code execution: per use or per container hour),
// MCP servers and containers, context management that runs extra sampling (compaction),
// a speed other than standard, an inference region, and the long-context beta
// (context-1m-*). A key with a spending limit is refused these with a 400 naming them;
// other keys may use them, and a usage that reports server tool uses or iterations is
// billed at least its bound, flagged estimated (core/wire/anthropic_usage.h).
#include "core/json_scan.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

// REQUIRES: `members` are the top-level members of a Messages body, the last of each key.
// Why the body asks for what no bound covers (a message fit for a 400 answer), or nothing.
// Allowed: tools without a type or of type "custom", context management whose edits
// only clear (clear_thinking_*, clear_tool_uses_*), `speed` "standard".
std::optional<std::string> unpriced_feature(const std::vector<JsonMember>& members);

// REQUIRES: `members` are the top-level members of a Responses body (OpenAI), the last of
// each key. The same for what it may ask for: tools the provider runs itself (web and file
// search, code interpreter, image generation, MCP, ...; function and custom tools are
// allowed, and namespaces that group only such tools), context management (server-side
// compaction), stored input (previous_response_id, conversation, a stored prompt), and a
// service tier other than auto or default.
std::optional<std::string> unpriced_response_feature(const std::vector<JsonMember>& members);

// Why the anthropic-beta values `betas` (comma-separated, as the client sent them) ask for
// a price the catalog does not hold, or nothing.
std::optional<std::string> unpriced_beta(std::string_view betas);

}  // namespace llmgw
