#include "core/suggest.h"

#include <algorithm>
#include <cctype>

namespace llmgw {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Levenshtein distance over two rows.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitute = previous[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::vector<std::string> closest_names(std::string_view name,
                                       const std::vector<std::string_view>& known,
                                       std::size_t limit) {
  std::vector<std::pair<std::size_t, std::string_view>> scored;
  std::size_t threshold = std::max<std::size_t>(2, name.size() / 3);
  for (std::string_view candidate : known) {
    bool contains = name.size() >= 3 && candidate.find(name) != std::string_view::npos;
    // The distance is at least the difference in length: a name far longer or shorter
    // than every candidate (a 1 MiB model string) costs no quadratic comparison.
    std::size_t gap = std::max(name.size(), candidate.size()) - std::min(name.size(), candidate.size());
    if (!contains && gap > threshold) {
      continue;
    }
    std::size_t distance = edit_distance(name, candidate);
    if (distance <= threshold || contains) {
      scored.emplace_back(distance, candidate);
    }
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) {
    out.emplace_back(scored[i].second);
  }
  return out;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& known) {
  std::vector<std::string> names = closest_names(name, known);
  if (names.empty()) {
    return "";
  }
  std::string text = " (did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : ", ") + names[i];
  }
  return text + "?)";
}

}  // namespace llmgw
