#pragma once
// A test of what llmgw finds on the machine (the packaged service's unit, environment file
// and database) runs it in a mount namespace of its own, where /etc, /usr and /var/lib are
// overlays whose changes land in a scratch folder: the packaged service's files are taken
// away there, a setup script puts the test's own in place, and the machine itself never
// changes. Needs root (CAP_SYS_ADMIN) and overlayfs, as CI has.
#include "tests/support/process.h"

#include <string>
#include <vector>

namespace test {

// Runs `setup` (sh, as root, in the namespace; $LLMGW is the binary) and then `llmgw
// <args...>` there. `scratch` is a folder of the test's own, empty at the first call; what
// one call changed is still there at the next one with the same `scratch`. A failed mount or setup shows as a nonzero exit
// with sh's message on stderr.
Result llmgw_on_fake_machine(const std::string& scratch, const std::string& setup,
                             const std::vector<std::string>& args, RunOptions options = {});

}  // namespace test
