#pragma once
// Unbiased random text from OpenSSL's CSPRNG, and ids.
#include <string>
#include <string_view>

namespace llmgw {

constexpr std::string_view k_base32_lower = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view k_alphanumeric =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// `length` characters drawn uniformly from `alphabet` (at most 256 characters), by
// rejection sampling so no character is more likely than another. Throws Error(io) when
// the CSPRNG fails.
std::string random_string(std::string_view alphabet, std::size_t length);

// A public id such as "key_7kq2m4xw9zpa": `kind` + "_" + 12 lowercase base32 characters
// (60 random bits from a per-thread generator seeded by the CSPRNG; not for secrets).
std::string new_id(std::string_view kind);

}  // namespace llmgw
