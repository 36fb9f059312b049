#include "core/redact.h"

#include <cctype>

namespace llmgw {

namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '.' ||
         c == '+' || c == '/' || c == '=' || c == '-';
}

bool looks_secret(std::string_view run) {
  if (run.size() < 12) {
    return false;
  }
  bool letter = false, digit_or_mask = false;
  for (char c : run) {
    letter = letter || std::isalpha(static_cast<unsigned char>(c));
    digit_or_mask = digit_or_mask || std::isdigit(static_cast<unsigned char>(c)) || c == '*';
  }
  return letter && digit_or_mask;
}

}  // namespace

std::string redact_secrets(std::string_view text, std::size_t max_bytes) {
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
    if (!is_token_char(text[i])) {
      auto c = static_cast<unsigned char>(text[i]);
      out.push_back(c < 0x20 || c == 0x7F ? ' ' : text[i]);
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_token_char(text[end])) {
      ++end;
    }
    std::string_view run = text.substr(i, end - i);
    out += looks_secret(run) ? std::string_view("[redacted]") : run;
    i = end;
  }
  return out;
}

}  // namespace llmgw
