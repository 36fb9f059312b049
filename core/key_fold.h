#pragma once
// Object keys as a case-blind JSON reader sees them. Go's encoding/json, which some
// upstreams use (Ollama), matches keys to fields without regard to case and with Unicode
// simple folding; llmgw matches them exactly, so a key that only folds to a field it reads
// could make such an upstream act on a value llmgw never checked or billed.
#include <string>
#include <string_view>

namespace llmgw {

// `key` with ASCII letters lowered and the two non-ASCII letters that Unicode simple case
// folding maps to ASCII ones (U+017F long s, U+212A Kelvin sign) replaced by them.
std::string folded_key(std::string_view key);

}  // namespace llmgw
