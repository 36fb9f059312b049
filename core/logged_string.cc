#include "core/logged_string.h"

namespace llmgw {

std::string logged_string(std::string_view text) {
  if (text.size() <= k_max_logged_bytes) {
    return std::string(text);
  }
  std::size_t cut = k_max_logged_bytes;
  // A UTF-8 continuation byte (10xxxxxx) is inside a character: cut before its lead byte.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string out(text.substr(0, cut));
  out.append(k_truncated_mark);
  return out;
}

}  // namespace llmgw
