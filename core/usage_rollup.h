#pragma once
// The hourly roll-ups (table usage_rollup, migration step 5) that usage reports read
// instead of the whole log. A log row counts once in each of six scopes: all keys, per
// key, per model, per provider, per key and model, per key and provider; a scope's other
// dimensions hold ''. The view usage_facts states that per log row.
//
// Roll-ups are not written with each request: a request's commit then writes the log row
// and the key's usage only (fewer pages, a shorter commit), and roll_up_log() adds the log
// rows since usage_rollup_progress in one step, many at a time (the daemon's writer, at
// most a second after a request, and when it stops). Reports add the rows not rolled up
// yet from the log, so they are exact at any moment.
#include "core/store.h"

#include <cstdint>

namespace llmgw {

// Adds up to `most` of the oldest log rows not yet rolled up to usage_rollup and moves
// the progress past them, in one BEGIN IMMEDIATE transaction. Returns how many it added.
std::int64_t roll_up_log(Store& store, std::int64_t most);

}  // namespace llmgw
