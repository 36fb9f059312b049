#pragma once
// The traffic flags of `key create` and `key update`: --rpm, --rpd, --tpm and
// --max-parallel, and on update their removals --no-rpm, --no-rpd, --no-tpm and
// --no-max-parallel, each excluding its value flag.
#include "core/key_store.h"
#include "core/traffic_limits.h"

#include <CLI/CLI.hpp>

#include <array>
#include <optional>
#include <string>

namespace llmgw::cli {

// The flags' text as given, in the order --rpm, --rpd, --tpm, --max-parallel.
struct TrafficOptions {
  std::array<std::optional<std::string>, 4> limits;
  std::array<bool, 4> removals{};
};

void add_traffic_options(CLI::App* command, TrafficOptions& options);
// The --no-... flags. REQUIRES: add_traffic_options ran on `update` first.
void add_traffic_removals(CLI::App* update, TrafficOptions& options);

// The limits the flags give; the others are none. Throws Error(invalid) naming the flag,
// e.g. "invalid --rpm '0': must be a whole number from 1 to 1000000000", before anything
// touches the database.
TrafficLimits traffic_limits_from(const TrafficOptions& options);

// Sets in `changes` each limit a flag gives and clears each one a --no-... flag removes.
// Throws as traffic_limits_from does.
void add_traffic_changes(const TrafficOptions& options, KeyChanges& changes);

}  // namespace llmgw::cli
