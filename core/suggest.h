#pragma once
// "Did you mean ...?" for names a user mistyped: model and provider ids.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw {

// Up to `limit` names from `known` that `name` is plausibly a typo or a part of: an edit
// distance (ignoring case) of at most max(2, size / 3), or containing `name` when it has
// 3 or more characters. Nearest first, ties in alphabetical order.
std::vector<std::string> closest_names(std::string_view name,
                                       const std::vector<std::string_view>& known,
                                       std::size_t limit = 3);

// " (did you mean a, b?)", or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& known);

}  // namespace llmgw
