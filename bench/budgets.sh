#!/usr/bin/env bash
# Runs the budget suites round after round, to catch an interleaving that one CI run
# misses: the bursts of tests/gateway/budget_concurrency_test.cc (200 requests at once
# over 50 connections against a small limit, streaming and not, the CLI changing the
# limit mid-burst), the retries of tests/gateway/budget_retry_test.cc (64 clients
# retrying on 402 while every request settles a little under its reservation: usage must
# end within the limit plus one request's cost beyond its capped reservation), the honest
# provider of tests/gateway/honest_budget_test.cc (32 clients retrying on 402 with n = 50,
# 20 KB of tools, four images and streams they leave after the first event, against a
# provider that bills the most an honest one can: each request billed exactly that, usage
# within the limit plus one request's cost) and the faults of
# tests/gateway/settlement_test.cc (each must leave nothing reserved and usage equal to the
# logged costs).
#
#   bench/budgets.sh [rounds] [build folder]     (default: 20 rounds, build)
#
# Needs the folder's llmgw and llmgw_gateway_tests built. Every daemon and upstream the
# tests start listens on 127.0.0.1 and is stopped by the test that started it. The output
# of a failing round is printed; the exit status is 1 when any round failed.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
rounds=${1:-20}
build=${2:-build}
bin=$(llmgw_binary "$build/llmgw")
tests=$build/tests/llmgw_gateway_tests
[[ -x $tests ]] || { echo "budgets.sh: no $tests; build llmgw_gateway_tests first" >&2; exit 2; }

make_workspace
cases='budget burst*,budget with * retrying on 402*,budget against an honest provider*,settled:*'
bursts=$("$tests" --list-test-cases --test-case='budget burst*' | grep -c '^budget burst' || true)
retries=$("$tests" --list-test-cases --test-case='budget with * retrying on 402*' |
          grep -c '^budget with' || true)
honest=$("$tests" --list-test-cases --test-case='budget against an honest provider*' |
         grep -c '^budget against' || true)
faults=$("$tests" --list-test-cases --test-case='settled:*' | grep -c '^settled:' || true)
failed=0
for ((round = 1; round <= rounds; ++round)); do
  if ! LLMGW_BIN=$bin "$tests" --test-case="$cases" >"$work/round.log" 2>&1; then
    failed=$((failed + 1))
    echo "round $round failed:"
    cat "$work/round.log"
  fi
done
echo "rounds: $rounds   failed: $failed   bursts of 200 requests: $((rounds * bursts))" \
     "  retries on 402 by 64 clients: $((rounds * retries))" \
     "  honest-provider runs of 32 clients: $((rounds * honest))   faults: $((rounds * faults))"
((failed == 0))
