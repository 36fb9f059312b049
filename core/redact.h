#pragma once
// Cleaning text that came from outside (an upstream's error message) before a client or a
// log sees it: it may echo a credential, whole or in masked fragments.
#include <array>
#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace llmgw {

// A piece of a secret this long or longer is a fragment: it is redacted wherever it
// appears. Shorter pieces are what masked displays show ("sk-...abcd") and what llmgw
// itself shows of a key (its 12-character prefix holds 4 characters of the random part).
constexpr std::size_t k_secret_fragment = 12;

// The fragments of a few known secrets (every k_secret_fragment consecutive characters of
// each, or the whole of one that is shorter), found in one pass over a text: cheap enough
// to clean every event of every stream. Only the secrets' own characters are matched;
// nothing else about the text is judged, so ordinary text comes out unchanged.
class SecretFragments {
public:
  explicit SecretFragments(const std::vector<std::string>& secrets);
  // The windows point into the copies of the secrets: neither copied nor moved.
  SecretFragments(const SecretFragments&) = delete;
  SecretFragments& operator=(const SecretFragments&) = delete;

  // The ranges [first, second) of `text` that fragments cover, merged, in order.
  std::vector<std::pair<std::size_t, std::size_t>> spans(std::string_view text) const;
  // `text` with each of its spans() replaced by "[redacted]"; nullopt when it holds none.
  std::optional<std::string> masked(std::string_view text) const;

private:
  std::vector<std::string> m_secrets;  // the windows below point into these
  // Windows of each length (k_secret_fragment, or a shorter secret's whole length).
  std::vector<std::pair<std::size_t, std::unordered_set<std::string_view>>> m_windows;
  std::array<bool, 256> m_secret_byte{};  // bytes that occur in some secret
  // Hashes of the first 4 bytes of every window of 4 or more: most positions of a text are
  // ruled out by one bit before a window is hashed whole.
  std::bitset<1 << 16> m_window_starts;
};

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
