#include "core/random.h"

#include "core/error.h"

#include <openssl/rand.h>

#include <array>

namespace llmgw {

std::string random_string(std::string_view alphabet, std::size_t length) {
  // Accept only bytes below the largest multiple of the alphabet size, so `byte % size`
  // is uniform.
  const unsigned size = static_cast<unsigned>(alphabet.size());
  const unsigned limit = 256 - 256 % size;
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> buffer{};
  while (out.size() < length) {
    if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
      throw_io("the system random number generator failed");
    }
    for (unsigned char byte : buffer) {
      if (byte < limit && out.size() < length) {
        out.push_back(alphabet[byte % size]);
      }
    }
  }
  return out;
}

std::string new_id(std::string_view kind) {
  return std::string(kind) + "_" + random_string(k_base32_lower, 12);
}

}  // namespace llmgw
