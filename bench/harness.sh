#!/usr/bin/env bash
# The gateway harness in one command: gateway.sh (the fast upstream at 1, 16 and 64
# connections) and then streams.sh (time to first byte, the 50 ms upstream at 256 and
# 1,024 connections, 1,000 held streams and RSS, accounting alone), on one binary. Both
# run on 127.0.0.1 and stop everything they start; their environment variables pass
# through (ROUNDS and DURATION apply to both). About 6 minutes on 2 CPUs.
#
#   bench/harness.sh [path/to/llmgw]
set -euo pipefail
here=$(dirname "$0")
llmgw=${1:-${LLMGW_BIN:-build/llmgw}}
echo "# bench/harness.sh $llmgw, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r)"
echo
echo "## gateway.sh: the fast upstream"
"$here/gateway.sh" "$llmgw"
echo
echo "## streams.sh: streams, the 50 ms upstream, memory, accounting"
"$here/streams.sh" "$llmgw"
