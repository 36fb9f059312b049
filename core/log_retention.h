#pragma once
// Retention of the request log: deleting old rows without changing what usage reports,
// spend or limits say. Keys' usage lives in their own rows (core/usage.h), and reports
// read whole hours from the roll-ups (core/usage_rollup.h), so a log row may go once it
// is rolled up; only a report edge that falls inside a pruned hour ("--since 100d") reads
// rows that are gone, and only whole hours are pruned (prune_cutoff).
#include "core/store.h"
#include "core/timestamp.h"

#include <cstdint>

namespace llmgw {

// Rows deleted per transaction: a running gateway waits for one batch at most.
inline constexpr std::int64_t k_prune_batch = 1000;

// Where pruning at `before` really stops: the start of the hour `before` falls in. A report
// reads the minutes of an hour it starts or ends inside from the log rows, so pruning
// only whole hours keeps every report whose edges are at or after `before` exact.
Timestamp prune_cutoff(Timestamp before);

// How many log rows prune_log(store, before) would delete: those with a time before
// prune_cutoff(before).
std::int64_t count_log_before(Store& store, Timestamp before);

// Rolls up the log rows not rolled up yet, then deletes the rolled-up rows with a time
// before prune_cutoff(before), in BEGIN IMMEDIATE transactions of at most `batch` rows each.
// Returns how many rows it deleted. Throws what the database throws; the batches
// committed before stay deleted, and usage reports stay exact either way.
std::int64_t prune_log(Store& store, Timestamp before, std::int64_t batch = k_prune_batch);

}  // namespace llmgw
