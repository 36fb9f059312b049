#include "core/redact.h"

#include <algorithm>
#include <cctype>

namespace llmgw {

namespace {

constexpr std::string_view k_key_prefix = "llmgtwy_";

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '.' ||
         c == '+' || c == '/' || c == '=' || c == '-';
}

bool looks_secret(std::string_view run) {
  if (run.size() < k_secret_fragment) {
    return false;
  }
  if (run.find(k_key_prefix) != std::string_view::npos) {
    return true;
  }
  bool letter = false, digit_or_mask = false, inner_capital = false;
  for (std::size_t i = 0; i < run.size(); ++i) {
    auto c = static_cast<unsigned char>(run[i]);
    letter = letter || std::isalpha(c);
    digit_or_mask = digit_or_mask || std::isdigit(c) || c == '*';
    // A capital right after a letter: random keys have them, words (even "Content-Type")
    // do not, only CamelCase names do.
    inner_capital = inner_capital ||
                    (std::isupper(c) && i > 0 && std::isalpha(static_cast<unsigned char>(run[i - 1])));
  }
  return letter && (digit_or_mask || inner_capital);
}

// Marks every byte of `text` covered by a fragment of a known secret (the whole secret
// when it is shorter than a fragment).
std::vector<bool> known_fragments(std::string_view text, const std::vector<std::string>& known) {
  std::vector<bool> marked(text.size(), false);
  for (const std::string& secret : known) {
    if (secret.empty()) {
      continue;
    }
    std::size_t length = std::min(secret.size(), k_secret_fragment);
    for (std::size_t start = 0; start + length <= secret.size(); ++start) {
      std::string_view piece = std::string_view(secret).substr(start, length);
      for (std::size_t at = text.find(piece); at != std::string_view::npos;
           at = text.find(piece, at + 1)) {
        std::fill(marked.begin() + static_cast<std::ptrdiff_t>(at),
                  marked.begin() + static_cast<std::ptrdiff_t>(at + length), true);
      }
    }
  }
  return marked;
}

}  // namespace

std::string redact_secrets(std::string_view text, const std::vector<std::string>& known,
                           std::size_t max_bytes) {
  // Fragments are found before the cut, so that one cut in half is still found.
  std::size_t longest = 0;
  for (const std::string& secret : known) {
    longest = std::max(longest, secret.size());
  }
  std::vector<bool> marked = known_fragments(text.substr(0, max_bytes + longest), known);
  if (text.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;  // do not split a UTF-8 sequence
    }
    text = text.substr(0, cut);
  }
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_token_char(text[i]) && !marked[i]) {
      auto c = static_cast<unsigned char>(text[i]);
      out.push_back(c < 0x20 || c == 0x7F ? ' ' : text[i]);
      ++i;
      continue;
    }
    std::size_t end = i;
    bool has_fragment = false;
    while (end < text.size() && (is_token_char(text[end]) || marked[end])) {
      has_fragment = has_fragment || marked[end];
      ++end;
    }
    std::string_view run = text.substr(i, end - i);
    out += has_fragment || looks_secret(run) ? std::string_view("[redacted]") : run;
    i = end;
  }
  return out;
}

}  // namespace llmgw
