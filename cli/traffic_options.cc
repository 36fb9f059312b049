#include "cli/traffic_options.h"

#include "cli/arguments.h"

#include <fmt/format.h>

namespace llmgw::cli {

namespace {

// One traffic limit as the CLI names it, and where its value goes.
struct TrafficFlag {
  std::string name;  // its removal is --no-<name without dashes>
  std::string what;
  std::optional<std::int64_t> TrafficLimits::*limit;
  Change<std::int64_t> KeyChanges::*change;

  std::string removal() const { return "--no-" + name.substr(2); }
};

// In the order of TrafficOptions' arrays.
const std::array<TrafficFlag, 4> k_flags = {{
    {"--rpm", "requests per minute", &TrafficLimits::requests_per_minute,
     &KeyChanges::requests_per_minute},
    {"--rpd", "requests per day", &TrafficLimits::requests_per_day,
     &KeyChanges::requests_per_day},
    {"--tpm", "tokens (prompt plus completion) per minute", &TrafficLimits::tokens_per_minute,
     &KeyChanges::tokens_per_minute},
    {"--max-parallel", "requests in flight at once", &TrafficLimits::max_parallel,
     &KeyChanges::max_parallel},
}};

}  // namespace

void add_traffic_options(CLI::App* command, TrafficOptions& o) {
  for (std::size_t i = 0; i < k_flags.size(); ++i) {
    add_optional(command, k_flags[i].name, o.limits[i],
                 fmt::format("at most this many {} (1-{})", k_flags[i].what, k_max_traffic_limit));
  }
}

void add_traffic_removals(CLI::App* update, TrafficOptions& o) {
  for (std::size_t i = 0; i < k_flags.size(); ++i) {
    update->add_flag(k_flags[i].removal(), o.removals[i], "remove the limit on " + k_flags[i].what)
        ->excludes(update->get_option(k_flags[i].name));
  }
}

TrafficLimits traffic_limits_from(const TrafficOptions& o) {
  TrafficLimits limits;
  for (std::size_t i = 0; i < k_flags.size(); ++i) {
    if (o.limits[i]) {
      limits.*k_flags[i].limit = parse_traffic_limit(*o.limits[i], k_flags[i].name);
    }
  }
  return limits;
}

void add_traffic_changes(const TrafficOptions& o, KeyChanges& changes) {
  const TrafficLimits given = traffic_limits_from(o);
  for (std::size_t i = 0; i < k_flags.size(); ++i) {
    if (given.*k_flags[i].limit) {
      changes.*k_flags[i].change = given.*k_flags[i].limit;
    } else if (o.removals[i]) {
      changes.*k_flags[i].change = std::optional<std::int64_t>();
    }
  }
}

}  // namespace llmgw::cli
