#pragma once
// Strings a client chooses (the requested model, a request path) as they are written to
// the request log, the access log and error messages: bounded, so that one request cannot
// write megabytes.
#include <cstddef>
#include <string>
#include <string_view>

namespace llmgw {

// The most bytes of a client's string that are written; a longer one is cut.
constexpr std::size_t k_max_logged_bytes = 256;
constexpr std::string_view k_truncated_mark = "...[truncated]";

// `text` when it holds at most k_max_logged_bytes bytes; else its first
// k_max_logged_bytes bytes, cut back to the start of a UTF-8 sequence so that no character
// is split, followed by k_truncated_mark.
std::string logged_string(std::string_view text);

}  // namespace llmgw
