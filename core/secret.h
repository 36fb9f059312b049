#pragma once
// API key secrets: "llmgtwy_" + 40 characters of [0-9A-Za-z]. A secret is shown once and
// stored only as its SHA-256; these functions are the only ones that handle it.
#include <string>
#include <string_view>

namespace llmgw {

constexpr std::string_view k_secret_prefix = "llmgtwy_";
constexpr std::size_t k_secret_body_length = 40;
constexpr std::size_t k_secret_length = 8 + k_secret_body_length;
constexpr std::size_t k_display_prefix_length = 12;

std::string generate_secret();
// Lowercase hex SHA-256 of the secret's bytes: the only form that is stored.
std::string hash_secret(std::string_view secret);
// The first 12 characters, "llmgtwy_AbCd", safe to show and store.
std::string display_prefix(std::string_view secret);
// True when `text` has the exact form of a secret (does not say that it exists).
bool is_well_formed_secret(std::string_view text);

}  // namespace llmgw
