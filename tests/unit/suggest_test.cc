#include "core/suggest.h"

#include <doctest/doctest.h>

using llmgw::closest_names;
using llmgw::did_you_mean;

TEST_CASE("suggest: the closest names, nearest first") {
  std::vector<std::string_view> known = {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "claude-sonnet-5-5",
                                         "o3"};
  CHECK(closest_names("gpt4o", known) == std::vector<std::string>{"gpt-4o"});
  CHECK(closest_names("GPT-4O", known) == std::vector<std::string>{"gpt-4o", "gpt-4.1"});
  CHECK(closest_names("sonnet", known) == std::vector<std::string>{"claude-sonnet-5-5"});
  CHECK(closest_names("llama", known).empty());
  CHECK(did_you_mean("GPT-4O", known) == " (did you mean gpt-4o, gpt-4.1?)");
  CHECK(did_you_mean("llama", known) == "");
}
