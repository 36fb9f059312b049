#include "core/secret.h"

#include "core/random.h"

#include <openssl/sha.h>

#include <fmt/format.h>

namespace llmgw {

std::string generate_secret() {
  return std::string(k_secret_prefix) + random_string(k_alphanumeric, k_secret_body_length);
}

std::string hash_secret(std::string_view secret) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest);
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    fmt::format_to(std::back_inserter(hex), "{:02x}", byte);
  }
  return hex;
}

std::string display_prefix(std::string_view secret) {
  return std::string(secret.substr(0, k_display_prefix_length));
}

bool is_well_formed_secret(std::string_view text) {
  if (text.size() != k_secret_length || text.substr(0, k_secret_prefix.size()) != k_secret_prefix) {
    return false;
  }
  for (char c : text.substr(k_secret_prefix.size())) {
    if (k_alphanumeric.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace llmgw
