#pragma once
#include "daemon/serve_options.h"

#include <functional>

namespace llmgw::daemon {

// Runs `llmgw serve` until SIGTERM or SIGINT: binds, prints one "listening" line with the
// bound address on stderr (so port 0 can be used), serves, then drains: stops accepting,
// lets requests in flight finish up to the drain timeout, commits usage and returns 0.
// Returns 1 when the address cannot be bound. Throws Error for a database problem.
int serve(const ServeOptions& options);

}  // namespace llmgw::daemon
