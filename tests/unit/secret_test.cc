#include "core/random.h"
#include "core/secret.h"

#include <doctest/doctest.h>

#include <array>
#include <regex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

using llmgw::generate_secret;
using llmgw::hash_secret;
using llmgw::is_well_formed_secret;

namespace {

bool matches(const std::string& text, const char* pattern) {
  return std::regex_match(text, std::regex(pattern));
}

}  // namespace

TEST_CASE("secret: llmgtwy_ and 40 characters of [0-9A-Za-z]") {
  std::string secret = generate_secret();
  CHECK(secret.size() == 48);
  // Checked by pattern, never printed whole.
  CHECK(matches(secret, "llmgtwy_[0-9A-Za-z]{40}"));
  CHECK(is_well_formed_secret(secret));
}

TEST_CASE("secret: 100,000 secrets are distinct and every position is uniform") {
  constexpr int k_count = 100'000;
  constexpr int k_symbols = 62;
  constexpr double k_expected = double(k_count) / k_symbols;  // 1612.9 per symbol and position
  std::unordered_set<std::string> seen;
  seen.reserve(k_count);
  std::vector<std::array<int, k_symbols>> counts(llmgw::k_secret_body_length,
                                                 std::array<int, k_symbols>{});
  int foreign = 0;  // characters outside the alphabet
  for (int i = 0; i < k_count; ++i) {
    std::string secret = generate_secret();
    seen.insert(secret);
    for (std::size_t p = 0; p < llmgw::k_secret_body_length; ++p) {
      std::size_t symbol = llmgw::k_alphanumeric.find(secret[8 + p]);
      if (symbol == std::string_view::npos) {
        ++foreign;
      } else {
        ++counts[p][symbol];
      }
    }
  }
  CHECK(foreign == 0);
  CHECK(seen.size() == static_cast<std::size_t>(k_count));

  // Each count is Binomial(100000, 1/62): sd 39.8, so +-20% is 8.1 sd; the chance that any
  // of the 2480 counts strays that far by luck is about 5e-12. The chi-square sum over
  // all positions has 40 * 61 = 2440 degrees of freedom (mean 2440, sd 70); 3140 is 10 sd
  // above, passed by chance with probability about 1e-20. Modulo bias (byte % 62 without
  // rejection) would make symbols 0-7 25% likelier and the sum about 28,000.
  int outside = 0;
  double chi_square = 0;
  for (const auto& position : counts) {
    for (int n : position) {
      outside += (n < 0.8 * k_expected || n > 1.2 * k_expected) ? 1 : 0;
      chi_square += (n - k_expected) * (n - k_expected) / k_expected;
    }
  }
  CHECK(outside == 0);
  CHECK(chi_square < 3140);
}

TEST_CASE("secret: the hash is the lowercase hex SHA-256 of the text") {
  CHECK(hash_secret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_secret("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string secret = generate_secret();
  CHECK(matches(hash_secret(secret), "[0-9a-f]{64}"));
  CHECK(hash_secret(secret) == hash_secret(std::string(secret)));
  CHECK(hash_secret(secret) != hash_secret(generate_secret()));
}

TEST_CASE("secret: the display prefix is its first 12 characters") {
  CHECK(llmgw::display_prefix("llmgtwy_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd") == "llmgtwy_AbCd");
  std::string secret = generate_secret();
  CHECK(llmgw::display_prefix(secret) == secret.substr(0, 12));
}

TEST_CASE("secret: well-formedness checks the prefix, the length and the alphabet") {
  std::string body(40, 'a');
  CHECK(is_well_formed_secret("llmgtwy_" + body));
  CHECK(is_well_formed_secret("llmgtwy_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd"));
  CHECK_FALSE(is_well_formed_secret(""));
  CHECK_FALSE(is_well_formed_secret("llmgtwy_"));
  CHECK_FALSE(is_well_formed_secret("llmgtwx_" + body));
  CHECK_FALSE(is_well_formed_secret("LLMGTWY_" + body));
  CHECK_FALSE(is_well_formed_secret("llmgtwy_" + body.substr(1)));
  CHECK_FALSE(is_well_formed_secret("llmgtwy_" + body + "a"));
  CHECK_FALSE(is_well_formed_secret(" llmgtwy_" + body.substr(1)));
  for (char bad : {'-', '_', '+', '/', '=', ' ', '\0', '\n'}) {
    std::string text = "llmgtwy_" + body;
    text[20] = bad;
    CAPTURE(static_cast<int>(bad));
    CHECK_FALSE(is_well_formed_secret(text));
  }
  std::string non_ascii = "llmgtwy_" + body.substr(2) + "\xc3\xa9";  // 48 bytes
  CHECK_FALSE(is_well_formed_secret(non_ascii));
}

TEST_CASE("secret: ids are the kind and 12 lowercase base32 characters") {
  std::unordered_set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    std::string id = llmgw::new_id("key");
    CHECK(matches(id, "key_[a-z2-7]{12}"));
    ids.insert(id);
  }
  CHECK(ids.size() == 1000u);
  CHECK(matches(llmgw::new_id("rule"), "rule_[a-z2-7]{12}"));
}

TEST_CASE("secret: ids made on many threads at once never repeat, and use every character") {
  constexpr int k_threads = 8;
  constexpr int k_per_thread = 5000;
  std::vector<std::vector<std::string>> made(k_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < k_per_thread; ++i) {
        made[t].push_back(llmgw::new_id("req"));
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::unordered_set<std::string> ids;
  std::unordered_set<char> characters;
  for (const auto& list : made) {
    for (const std::string& id : list) {
      ids.insert(id);
      characters.insert(id.begin() + 4, id.end());
    }
  }
  CHECK(ids.size() == static_cast<std::size_t>(k_threads * k_per_thread));
  CHECK(characters.size() == 32u);  // all of a-z and 2-7
}

TEST_CASE("secret: random strings use only their alphabet and have the asked length") {
  CHECK(llmgw::random_string("ab", 0).empty());
  std::string text = llmgw::random_string("xy", 1000);
  CHECK(text.size() == 1000u);
  CHECK(text.find_first_not_of("xy") == std::string::npos);
  // Both symbols appear: the chance that one of them does not is 2^-999.
  CHECK(text.find('x') != std::string::npos);
  CHECK(text.find('y') != std::string::npos);
  CHECK(llmgw::random_string("z", 5) == "zzzzz");
}
