#!/usr/bin/env bash
# The crash loop of tests/gateway/crash_loop_test.cc at full length: each iteration runs
# client load and CLI changes, kills the daemon or a running CLI command with SIGKILL at
# a random moment, restarts the daemon and audits the database (integrity_check, usage
# equal to the log, roll-ups equal to the log, no reservation left, every request answered
# 200 has its log row). Prints the figures; exits non-zero on any violation.
#
#   bench/crash_loop.sh [iterations] [build folder]    (default 200, build)
#   env: SEED=<n> replays a run (the seed is printed at the end and on failure)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
iterations=${1:-200}
build=${2:-build}
tests=$build/tests/llmgw_gateway_tests
[[ -x $tests ]] || {
  echo "crash_loop.sh: no $tests; build the llmgw and llmgw_gateway_tests targets first" >&2
  exit 2
}
LLMGW_BIN=$(llmgw_binary "$build/llmgw") LLMGW_CRASH_LOOP_ITERATIONS=$iterations \
  LLMGW_CRASH_LOOP_SEED=${SEED:-} "$tests" --test-case='crash loop*' --no-version
