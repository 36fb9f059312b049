// Fragments of known secrets, found in one pass: what every relayed stream event goes
// through.
#include "core/redact.h"

#include <doctest/doctest.h>

using llmgw::SecretFragments;

namespace {

std::string masked(const std::vector<std::string>& secrets, const std::string& text) {
  return SecretFragments(secrets).masked(text).value_or("<unchanged>");
}

}  // namespace

TEST_CASE("secret fragments: every 12 consecutive characters of a secret are masked") {
  const std::string secret = "sk-live-0123456789abcdefXYZ";
  CHECK(masked({secret}, "key " + secret + " end") == "key [redacted] end");
  CHECK(masked({secret}, "a " + secret.substr(5, 12) + " b") == "a [redacted] b");
  CHECK(masked({secret}, "a " + secret.substr(5, 11) + " b") == "<unchanged>");
  // Overlapping and adjacent fragments make one span.
  CHECK(masked({secret}, secret.substr(0, 14) + secret.substr(10)) == "[redacted]");
  CHECK(masked({secret}, "x" + secret.substr(0, 12) + "-" + secret.substr(13, 12) + "y") ==
        "x[redacted]-[redacted]y");
}

TEST_CASE("secret fragments: a secret shorter than a fragment is masked whole") {
  CHECK(masked({"short-key"}, "[short-key]") == "[[redacted]]");
  CHECK(masked({"short-key"}, "short-ke") == "<unchanged>");
  CHECK(masked({"short-key", "sk-live-0123456789abcdefXYZ"}, "short-key 0123456789ab") ==
        "[redacted] [redacted]");
}

TEST_CASE("secret fragments: text without any is left alone, whatever it looks like") {
  CHECK(masked({"sk-live-0123456789abcdefXYZ"}, "token-like: aB3dE5gH7jK9mN1pQ") == "<unchanged>");
  CHECK(masked({}, "anything at all sk-live-0123456789abcdefXYZ") == "<unchanged>");
  CHECK(masked({""}, "empty secrets match nothing") == "<unchanged>");
  CHECK(SecretFragments({"sk-live-0123456789abcdefXYZ"}).spans("").empty());
}
