#pragma once
// Cleaning text that came from outside (an upstream's error message) before a client or a
// log sees it: it may echo a credential, whole or in masked fragments.
#include <string>
#include <string_view>

namespace llmgw {

// `text` cut to `max_bytes` (on a UTF-8 boundary), with control characters replaced by
// spaces and every run of 12 or more characters from [A-Za-z0-9_*.+/=-] that mixes
// letters with digits or '*' replaced by "[redacted]" — the shape of keys, tokens and
// their masked forms ("sk-proj-****abcd"). Ordinary words are left alone.
std::string redact_secrets(std::string_view text, std::size_t max_bytes = 300);

}  // namespace llmgw
