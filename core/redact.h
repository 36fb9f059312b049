#pragma once
// Cleaning text that came from outside (an upstream's error message) before a client or a
// log sees it: it may echo a credential, whole or in masked fragments.
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

// A piece of a secret this long or longer is a fragment: it is redacted wherever it
// appears. Shorter pieces are what masked displays show ("sk-...abcd") and what llmgw
// itself shows of a key (its 12-character prefix holds 4 characters of the random part).
constexpr std::size_t k_secret_fragment = 12;

// `text` cut to `max_bytes` (on a UTF-8 boundary), with control characters replaced by
// spaces and "[redacted]" in place of every run of characters from [A-Za-z0-9_*.+/=-]
// (or of any characters, where a fragment of `known` spans them) that
//  - holds a fragment of one of the `known` secrets (the ones llmgw holds and the text's
//    author may have echoed, such as the credential it was sent), whatever their shape;
//  - begins with "llmgtwy_" and is 12 or more long: a gateway key or a piece of one;
//  - or is 12 or more long and mixes letters with digits, '*' or a capital after its first
//    character: the shape of keys, tokens and their masked forms ("sk-proj-****abcd").
// Ordinary words are left alone; a CamelCase name of 12 or more characters is not.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& known = {},
                           std::size_t max_bytes = 300);

}  // namespace llmgw
