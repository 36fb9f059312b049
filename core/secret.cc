#include "core/secret.h"

#include "core/random.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace llmgw {

std::string generate_secret() {
  return std::string(k_secret_prefix) + random_string(k_alphanumeric, k_secret_body_length);
}

std::string hash_secret(std::string_view secret) {
  // Fetched once: OpenSSL's one-shot SHA256() looks the algorithm up on every call, which
  // took three times as long as the digest itself (the daemon hashes every request's key).
  // And a context kept per thread: EVP_Digest allocates and frees one per call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(nullptr,
                                                                         EVP_MD_CTX_free);
  if (context == nullptr) {
    context.reset(EVP_MD_CTX_new());  // tried again on the next call should it fail
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (sha256 == nullptr || context == nullptr ||
      EVP_DigestInit_ex2(context.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), secret.data(), secret.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &size) != 1) {
    throw std::runtime_error("SHA-256 is not available from OpenSSL");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex(2 * size, '\0');
  for (unsigned int i = 0; i < size; ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0xf];
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
