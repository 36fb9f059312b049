#include "tests/support/secret_fragments.h"

#include "core/redact.h"

namespace test {

bool holds_fragment(const std::string& text, const std::string& secret_part) {
  for (std::size_t at = 0; at + llmgw::k_secret_fragment <= secret_part.size(); ++at) {
    if (text.find(secret_part.substr(at, llmgw::k_secret_fragment)) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string gateway_key_secret_part(const std::string& secret) {
  return secret.substr(std::string("llmgtwy_").size());
}

}  // namespace test
