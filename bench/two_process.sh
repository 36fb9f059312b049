#!/usr/bin/env bash
# Two processes, one file: wrk keeps the daemon committing usage while a shell loop runs
# CLI mutations (key create, update, disable, enable, delete, rule add and rm) on the same
# database. Prints the figures and exits 1 when anyone met a lock: a CLI exit code other
# than 0, the word "locked" or "busy" on a CLI's stderr, in an HTTP answer or in the daemon's log,
# an HTTP status other than 200 (or 401 while the loop has a key disabled), or a database
# that fails PRAGMA integrity_check or whose key usage differs from its log.
#
#   bench/two_process.sh [mutations] [path/to/llmgw]   (default 1000, $LLMGW_BIN, build/llmgw)
#   env: CONNECTIONS=16
#
# Everything runs on 127.0.0.1 in a temporary folder that is removed at the end. Needs wrk
# and sqlite3.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mutations=${1:-1000}
llmgw=$(llmgw_binary "${2:-${LLMGW_BIN:-build/llmgw}}")
connections=${CONNECTIONS:-16}
for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || { echo "two_process.sh: missing $tool (apt-get install -y wrk sqlite3)" >&2; exit 2; }
done

make_workspace
export LLMGW_DB=$work/llmgw.db
"$llmgw" init >/dev/null 2>&1
"$llmgw" model add metered-echo --provider echo --upstream-model echo --input-price 3 \
  --output-price 5 >/dev/null
json_field() { sed -n "s/^  \"$1\": \"\([^\"]*\)\".*/\1/p"; }
load_keys=() secrets=()
for i in 1 2 3; do
  created=$("$llmgw" --json key create -d "under load $i" --period-limit 1000 --period 1d)
  load_keys+=("$(json_field id <<<"$created")")
  secrets+=("$(json_field secret <<<"$created")")
done

port=$(free_port)
"$llmgw" serve --listen "127.0.0.1:$port" 2>"$work/daemon.log" &
daemon_pid=$!
pids+=("$daemon_pid")
for _ in $(seq 100); do
  grep -q '"event":"listening"' "$work/daemon.log" && break
  sleep 0.1
done

# Each connection takes the keys in turn; wrk's threads tally statuses and lock mentions.
cat >"$work/load.lua" <<LUA
local secrets = {"${secrets[0]}", "${secrets[1]}", "${secrets[2]}"}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0; statuses = {}; locked = 0; sample = "" end
function request()
  n = n + 1
  return wrk.format("POST", "/v1/chat/completions",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. secrets[n % 3 + 1]},
    '{"model":"metered-echo","messages":[{"role":"user","content":"count me"}]}')
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- As words: request ids are random letters and digits and may hold them.
  local lower = body:lower()
  if lower:find("%f[%w_]locked%f[^%w_]") or lower:find("%f[%w_]busy%f[^%w_]") then
    locked = locked + 1; sample = body
  end
end
function done(summary, latency, requests)
  local total, lock_mentions, sample = {}, 0, ""
  for _, t in ipairs(threads) do
    for status, count in pairs(t:get("statuses")) do total[status] = (total[status] or 0) + count end
    lock_mentions = lock_mentions + t:get("locked")
    if t:get("sample") ~= "" then sample = t:get("sample") end
  end
  local line = "statuses:"
  for status, count in pairs(total) do line = line .. " " .. status .. "=" .. count end
  io.write(line .. "\nlock mentions: " .. lock_mentions .. "\n")
  if sample ~= "" then io.write("an answer mentioning a lock: " .. sample .. "\n") end
end
LUA
wrk -t2 -c"$connections" -d3600s --timeout 10s -s "$work/load.lua" \
  "http://127.0.0.1:$port/v1/chat/completions" >"$work/wrk.out" 2>&1 &
wrk_pid=$!
pids+=("$wrk_pid")

# The operator: the same cycle of commands as tests/support/cli_mutations.cc, shell style.
own_keys=() rules=() failures=0 cli_lock_mentions=0
start=$(date +%s%N)
for ((i = 0; i < mutations; ++i)); do
  key=${load_keys[$((i % 3))]}
  case $((i % 8)) in
    0) args=(--json key create -d "operator key $i" --limit 5) ;;
    1) args=(key update "$key" -d "renamed $i") ;;
    2) args=(key update "$key" --limit $((1000 + i))) ;;
    3) args=(key disable "$key") ;;
    4) args=(key enable "$key") ;;
    5) args=(--json key rule add "$key" --deny-model echo) ;;
    6) if ((${#rules[@]})); then args=(key rule rm "${rules[-1]%:*}" "${rules[-1]#*:}" --if-exists)
         unset 'rules[-1]'; else args=(key rule list "$key"); fi ;;
    7) if ((${#own_keys[@]})); then args=(key delete --yes "${own_keys[-1]}"); unset 'own_keys[-1]'
       else args=(key list); fi ;;
  esac
  rc=0
  out=$("$llmgw" "${args[@]}" 2>"$work/cli.err") || rc=$?
  if ((rc != 0)); then
    failures=$((failures + 1))
    echo "llmgw ${args[*]}: exit $rc: $(cat "$work/cli.err")" >&2
  fi
  grep -qiwE 'locked|busy' "$work/cli.err" && cli_lock_mentions=$((cli_lock_mentions + 1))
  case $((i % 8)) in
    0) own_keys+=("$(json_field id <<<"$out")") ;;
    5) rules+=("$key:$(sed -n 's/^      "id": "\(rule_[^"]*\)".*/\1/p' <<<"$out" | tail -1)") ;;
  esac
done
cli_ms=$(( ($(date +%s%N) - start) / 1000000 ))
for key in "${load_keys[@]}"; do "$llmgw" key enable "$key" >/dev/null 2>&1; done
kill -INT "$wrk_pid"
wait "$wrk_pid" || true
kill -TERM "$daemon_pid"
wait "$daemon_pid" || true

# The daemon's checkpoint at exit reports "busy":0 when nothing was in its way.
lock_lines() { sed 's/"busy":0//g' "$work/daemon.log" | grep -iwE 'locked|busy' || true; }
daemon_lock_lines=$(lock_lines | grep -c . || true)
lock_lines | head -5 >&2
grep -m1 '^an answer mentioning a lock' "$work/wrk.out" >&2 || true
integrity=$(sqlite3 "$work/llmgw.db" "PRAGMA integrity_check")
usage_mismatches=$(sqlite3 "$work/llmgw.db" "SELECT count(*) FROM api_keys WHERE usage !=
  (SELECT coalesce(sum(cost), 0) FROM request_log WHERE key_id = api_keys.id)")
log_rows=$(sqlite3 "$work/llmgw.db" "SELECT count(*) FROM request_log")
statuses=$(sed -n 's/^statuses: //p' "$work/wrk.out")
http_lock_mentions=$(sed -n 's/^lock mentions: //p' "$work/wrk.out")
unexpected=$(tr ' ' '\n' <<<"$statuses" | grep -vE '^(200|401)=' | grep -c . || true)

echo "llmgw: $("$llmgw" version)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CLI mutations: $mutations in $cli_ms ms, failed: $failures, stderr mentioning a lock: $cli_lock_mentions"
echo "HTTP: $(grep -m1 'requests in' "$work/wrk.out" | sed 's/^ *//'), statuses: $statuses," \
  "answers mentioning a lock: $http_lock_mentions, socket errors: $(grep -c 'Socket errors' "$work/wrk.out" || true)"
echo "daemon log lines mentioning a lock: $daemon_lock_lines"
echo "request log rows: $log_rows, keys whose usage differs from the log: $usage_mismatches, integrity_check: $integrity"
[[ $failures == 0 && $cli_lock_mentions == 0 && $http_lock_mentions == 0 && $unexpected == 0 &&
   $daemon_lock_lines == 0 && $integrity == ok && $usage_mismatches == 0 ]]
