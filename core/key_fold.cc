#include "core/key_fold.h"

namespace llmgw {

std::string folded_key(std::string_view key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key.compare(i, 2, "\xC5\xBF") == 0) {
      out += 's';
      ++i;
    } else if (key.compare(i, 3, "\xE2\x84\xAA") == 0) {
      out += 'k';
      i += 2;
    } else {
      char c = key[i];
      out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

}  // namespace llmgw
