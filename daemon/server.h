#pragma once
#include "daemon/serve_options.h"

#include <functional>

namespace llmgw::daemon {

// Runs `llmgw serve` until SIGTERM or SIGINT: checks the CA file, binds, logs the
// providers that have their credential and one "listening" line with the bound address on
// stderr (so port 0 can be used), serves, then drains: closes the listening socket at once
// (new connections are refused) and the idle connections, answers 503 to requests that
// still arrive on open ones, lets requests in flight finish up to the drain timeout
// (streams still running then are cut between two events), commits their usage,
// checkpoints the database's write-ahead log and returns. A second SIGTERM or SIGINT
// during the drain ends the process at once, with status 128 + the signal's number.
// Throws Error(io) "cannot listen on 127.0.0.1:8080: Address already in use" or "cannot
// read --ca-file 'x.pem': No such file or directory" (logged as "startup_failed" too),
// and Error for a database problem.
void serve(const ServeOptions& options);

}  // namespace llmgw::daemon
