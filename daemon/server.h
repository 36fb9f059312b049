#pragma once
#include "daemon/serve_options.h"

#include <functional>

namespace llmgw::daemon {

// Runs `llmgw serve` until SIGTERM or SIGINT: binds, prints one "listening" line with the
// bound address on stderr (so port 0 can be used), serves, then drains: closes the
// listening socket at once (new connections are refused) and the idle connections, answers
// 503 to requests that still arrive on open ones, lets requests in flight finish up to the
// drain timeout (streams still running then are cut between two events), commits their
// usage, checkpoints the database's write-ahead log and returns 0.
// Returns 1 when the address cannot be bound. Throws Error for a database problem.
int serve(const ServeOptions& options);

}  // namespace llmgw::daemon
