// Client strings as they are logged (core/logged_string.h).
#include "core/logged_string.h"

#include <doctest/doctest.h>

#include <string>

using llmgw::logged_string;

TEST_CASE("logged string: up to 256 bytes whole, longer ones cut on a character and marked") {
  CHECK(logged_string("gpt-4o") == "gpt-4o");
  CHECK(logged_string(std::string(256, 'm')) == std::string(256, 'm'));
  CHECK(logged_string(std::string(257, 'm')) == std::string(256, 'm') + "...[truncated]");
  CHECK(logged_string(std::string(1 << 20, 'm')) == std::string(256, 'm') + "...[truncated]");
  // "é" is 2 bytes: 255 ASCII bytes then "é" would split it at 256.
  CHECK(logged_string(std::string(255, 'a') + "\xC3\xA9" + "b") ==
        std::string(255, 'a') + "...[truncated]");
  // A 4-byte character ending at 256 is kept whole.
  CHECK(logged_string(std::string(252, 'a') + "\xF0\x9F\x98\x80" + "b") ==
        std::string(252, 'a') + "\xF0\x9F\x98\x80" + "...[truncated]");
  CHECK(logged_string(std::string(253, 'a') + "\xF0\x9F\x98\x80") ==
        std::string(253, 'a') + "...[truncated]");
}
