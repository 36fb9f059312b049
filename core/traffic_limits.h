#pragma once
// A key's traffic limits: how many requests it may send a minute and a day, how many
// tokens (prompt plus completion) a minute, and how many of its requests may be in flight
// at once. Each is optional; a key with none is unlimited. The daemon enforces them
// (daemon/traffic.h); here they are only values.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw {

struct TrafficLimits {
  std::optional<std::int64_t> requests_per_minute;
  std::optional<std::int64_t> requests_per_day;
  std::optional<std::int64_t> tokens_per_minute;
  std::optional<std::int64_t> max_parallel;

  bool any() const {
    return requests_per_minute || requests_per_day || tokens_per_minute || max_parallel;
  }
  bool operator==(const TrafficLimits& other) const {
    return requests_per_minute == other.requests_per_minute &&
           requests_per_day == other.requests_per_day &&
           tokens_per_minute == other.tokens_per_minute && max_parallel == other.max_parallel;
  }
};

// The largest value of any traffic limit.
constexpr std::int64_t k_max_traffic_limit = 1'000'000'000;

// A limit as `option` (its name, for the message) gives it: a whole number from 1 to
// k_max_traffic_limit. Throws Error(invalid), e.g. "invalid --rpm '0': must be a whole
// number from 1 to 1000000000".
std::int64_t parse_traffic_limit(std::string_view text, std::string_view option);

// The tokens a request body of `bytes` is charged to a token rate at admission: about
// four bytes a token, as tokenizers average on text and JSON. An estimate, not a bound
// (budgets reserve the bound, core/wire/prompt_bound.h): what the request used replaces it
// when it ends.
constexpr std::int64_t estimated_tokens(std::size_t bytes) {
  return static_cast<std::int64_t>((bytes + 3) / 4);
}

// The limits as one line for people: "60/min, 1000/day, 10000 tokens/min, 5 in flight",
// or "-" when there are none.
std::string traffic_text(const TrafficLimits& limits);

}  // namespace llmgw
