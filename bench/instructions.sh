#!/usr/bin/env bash
# Instructions a request, counted by valgrind's callgrind: the same count on a busy machine
# and an idle one, so a before-and-after of a change on the request path can tell a cost of
# a few hundred instructions from noise, which a timing on this machine cannot. Each binary
# serves the built-in echo model (no upstream: the session, the gateway and the accounting)
# to one keep-alive connection, twice, for FEW and for MANY requests after the same warm-up;
# the difference of the two counts over MANY - FEW is what one request costs in user space,
# all of the daemon's threads included. The system calls a request makes are counted by
# strace the same way (their kernel time is not in the instruction count).
#
#   bench/instructions.sh build/llmgw [/tmp/old/llmgw ...]   env: FEW=200 MANY=1200
#
# Needs valgrind and strace (apt-get install -y valgrind strace) and python3.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
few=${FEW:-200}
many=${MANY:-1200}
[[ $few =~ ^[0-9]+$ && $many =~ ^[0-9]+$ && $many -gt $few ]] ||
  { echo "bench: FEW and MANY must be numbers, MANY the larger" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: bench/instructions.sh LLMGW [LLMGW ...]" >&2; exit 2; }
for tool in valgrind strace python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: missing $tool (apt-get install -y valgrind strace)" >&2; exit 1; }
done

make_workspace

# Sends `n` echo requests on one connection; fails unless every answer is a 200.
cat >"$work/client.py" <<'PY'
import http.client, json, sys
port, secret, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
body = json.dumps({"model": "echo", "messages": [{"role": "user", "content": "Hello, how are you?"}]})
headers = {"Authorization": "Bearer " + secret, "Content-Type": "application/json"}
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
for _ in range(n):
    connection.request("POST", "/v1/chat/completions", body, headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit(f"answer {answer.status}")
PY

# Serves a fresh database with `llmgw` (under `wrapper`, e.g. valgrind, when given) and
# sends it 20 requests to warm up, then `n` more; with TRACE set, `strace -c` counts the
# system calls of those `n` into $TRACE. Stops the daemon. Runs in a subshell.
serve_requests() (
  local llmgw=$1 n=$2 folder port secret pid tracer
  shift 2
  folder=$(mktemp -d "$work/run-XXXXXX")
  port=$(free_port)
  export LLMGW_DB="$folder/llmgw.db"
  "$llmgw" init >/dev/null 2>&1
  secret=$("$llmgw" key create -d bench --json 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')
  "$@" "$llmgw" serve --listen "127.0.0.1:$port" --access-log off --threads 4 \
    2>"$folder/serve.log" &
  pid=$!
  for ((i = 0; i < 300; ++i)); do
    curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
    sleep 0.2
  done
  python3 "$work/client.py" "$port" "$secret" 20
  if [ -n "${TRACE:-}" ]; then
    strace -f -c -p "$pid" -o "$TRACE" 2>/dev/null &
    tracer=$!
    sleep 1  # until strace has attached to every thread
  fi
  python3 "$work/client.py" "$port" "$secret" "$n"
  if [ -n "${TRACE:-}" ]; then
    kill -INT "$tracer"
    wait "$tracer" || true
  fi
  kill -TERM "$pid"
  wait "$pid" || true
)

# The instructions callgrind counted in a run of `n` requests, start and stop included.
instructions() {
  local out="$work/callgrind.$RANDOM"
  serve_requests "$1" "$2" valgrind --tool=callgrind --callgrind-out-file="$out" >/dev/null
  awk '/^summary:|^totals:/ {print $2; exit}' "$out"
}

# The system calls `n` requests made, all of them.
system_calls() {
  local out="$work/strace.$RANDOM"
  TRACE=$out serve_requests "$1" "$2" >/dev/null
  awk '$4 ~ /^[0-9]+$/ && $NF != "total" {s += $4} END {print s}' "$out"
}

printf '%-40s %14s %16s\n' "binary" "instr/request" "syscalls/request"
for binary in "$@"; do
  llmgw=$(llmgw_binary "$binary")
  low=$(instructions "$llmgw" "$few")
  high=$(instructions "$llmgw" "$many")
  calls=$(system_calls "$llmgw" "$few")
  awk -v b="$binary" -v lo="$low" -v hi="$high" -v calls="$calls" -v few="$few" \
      -v n=$((many - few)) \
      'BEGIN { printf "%-40s %14.0f %16.2f\n", b, (hi - lo) / n, calls / few }'
done
