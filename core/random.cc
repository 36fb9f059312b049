#include "core/random.h"

#include "core/error.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>

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

namespace {

// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit state stepped by a constant and mixed.
std::uint64_t split_mix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t seed_from_csprng() {
  std::uint64_t seed = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) {
    throw_io("the system random number generator failed");
  }
  return seed;
}

}  // namespace

std::string new_id(std::string_view kind) {
  // Ids must not repeat; they are printed and logged, so they are no secrets. A generator
  // per thread, seeded from the CSPRNG, spares every request a CSPRNG call (a lock, a
  // reseed check and AES blocks).
  thread_local std::uint64_t state = seed_from_csprng();
  std::uint64_t bits = split_mix(state);
  std::string id(kind);
  id.push_back('_');
  for (int i = 0; i < 12; ++i) {  // 60 of the 64 bits, 5 per character
    id.push_back(k_base32_lower[bits & 31]);
    bits >>= 5;
  }
  return id;
}

}  // namespace llmgw
