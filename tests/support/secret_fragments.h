#pragma once
// Whether a text holds a piece of a secret: any llmgw::k_secret_fragment (12) consecutive
// characters of its secret part (the 40 random characters of a gateway key, the whole of a
// provider credential). The displayed key prefix holds only 4 of the random ones.
#include <string>

namespace test {

bool holds_fragment(const std::string& text, const std::string& secret_part);

// The secret part of a gateway key: what follows "llmgtwy_".
std::string gateway_key_secret_part(const std::string& secret);

}  // namespace test
