#include "core/redact.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

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

// Marks every byte of `text` covered by a fragment of a known secret.
std::vector<bool> known_fragments(std::string_view text, const std::vector<std::string>& known) {
  std::vector<bool> marked(text.size(), false);
  for (auto [first, second] : SecretFragments(known).spans(text)) {
    std::fill(marked.begin() + static_cast<std::ptrdiff_t>(first),
              marked.begin() + static_cast<std::ptrdiff_t>(second), true);
  }
  return marked;
}

constexpr std::size_t k_start_bytes = 4;

std::size_t start_hash(const char* at) {
  std::uint32_t word;
  std::memcpy(&word, at, sizeof word);
  return (word * 2654435761u) >> 16;
}

}  // namespace

SecretFragments::SecretFragments(const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (!secret.empty()) {
      m_secrets.push_back(secret);
    }
  }
  for (const std::string& secret : m_secrets) {
    std::size_t length = std::min(secret.size(), k_secret_fragment);
    auto group = std::find_if(m_windows.begin(), m_windows.end(),
                              [&](const auto& g) { return g.first == length; });
    if (group == m_windows.end()) {
      group = m_windows.insert(m_windows.end(), {length, {}});
    }
    for (std::size_t start = 0; start + length <= secret.size(); ++start) {
      group->second.insert(std::string_view(secret).substr(start, length));
      if (length >= k_start_bytes) {
        m_window_starts.set(start_hash(secret.data() + start));
      }
    }
    for (char c : secret) {
      m_secret_byte[static_cast<unsigned char>(c)] = true;
    }
  }
}

std::vector<std::pair<std::size_t, std::size_t>> SecretFragments::spans(std::string_view text) const {
  std::vector<std::pair<std::size_t, std::size_t>> found;
  if (m_windows.empty()) {
    return found;
  }
  auto cover = [&](std::size_t first, std::size_t second) {
    if (!found.empty() && first <= found.back().second) {
      found.back().second = std::max(found.back().second, second);
    } else {
      found.emplace_back(first, second);
    }
  };
  // A fragment lies within a run of bytes that all occur in some secret: only such runs,
  // rare in prose, are hashed window by window.
  std::size_t i = 0;
  while (i < text.size()) {
    if (!m_secret_byte[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && m_secret_byte[static_cast<unsigned char>(text[end])]) {
      ++end;
    }
    for (std::size_t at = i; at < end; ++at) {
      for (const auto& [length, windows] : m_windows) {
        if (at + length > end ||
            (length >= k_start_bytes && !m_window_starts.test(start_hash(text.data() + at)))) {
          continue;
        }
        if (windows.count(text.substr(at, length)) > 0) {
          cover(at, at + length);
        }
      }
    }
    i = end;
  }
  return found;
}

std::optional<std::string> SecretFragments::masked(std::string_view text) const {
  auto covered = spans(text);
  if (covered.empty()) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (auto [first, second] : covered) {
    out.append(text.substr(from, first - from)).append("[redacted]");
    from = second;
  }
  out.append(text.substr(from));
  return out;
}

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
