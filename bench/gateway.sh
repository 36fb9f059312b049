#!/usr/bin/env bash
# The gateway against a fast mock upstream, next to the same upstream reached directly and
# through nginx as a plain keep-alive reverse proxy (the reference). The gateway is measured
# on three lanes: chat completions (`llmgw`), Anthropic's Messages API passed through to an
# Anthropic-kind provider (`llmgw-msg`), and chat completions translated to that provider's
# Messages API and back (`llmgw-xlat`), on the same mock. Everything runs on 127.0.0.1 in
# a temporary folder and stops by itself.
#
#   bench/gateway.sh [path/to/llmgw]      env: ROUNDS=3 DURATION=5 CONNECTIONS="1 16 64"
#   PROMPT_BYTES=32768 bench/gateway.sh    requests whose message is that long (default: a
#                                         short one), as agents and long chats send
#   PROFILE=/tmp/gw bench/gateway.sh     also records a perf profile (dwarf call graphs) of llmgw during its
#                                         last round at each connection count (/tmp/gw.c64.data)
#   BASELINE=/tmp/old/llmgw bench/gateway.sh   also measures that binary (an earlier build) on
#                                         the chat lane, as target `baseline`, in the same
#                                         rounds: a before-and-after that noise hits alike
#   LIMITED=1 bench/gateway.sh           also measures the chat lane with a second key that has
#                                         every traffic limit set, never reached, as target
#                                         `llmgw-lim`: what enforcing them costs
#
# Prints, per target and connection count, requests/s, p50/p99 latency, CPU time per
# request of the target's own processes, and each figure's ratio to nginx in the same
# run. Rounds interleave the targets so that machine noise hits them alike.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
llmgw=$(llmgw_binary "${1:-${LLMGW_BIN:-build/llmgw}}")
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-"1 16 64"}
prompt_bytes=${PROMPT_BYTES:-0}
[[ $prompt_bytes =~ ^[0-9]+$ ]] || { echo "bench: PROMPT_BYTES must be a number of bytes" >&2; exit 2; }
baseline=${BASELINE:-}
for tool in nginx wrk "$llmgw" ${baseline:+"$baseline" sqlite3}; do
  command -v "$tool" >/dev/null || { echo "bench: missing $tool (apt-get install -y nginx wrk; build first)" >&2; exit 1; }
done

make_workspace

mock_port=$(free_port); proxy_port=$(free_port); gateway_port=$(free_port)


start_nginx mock "server { listen 127.0.0.1:$mock_port;
    location /v1/chat/completions { default_type application/json; return 200 '$completion'; }
    location /v1/messages { default_type application/json; return 200 '$message'; } }"
# Request bodies stay in memory (by default nginx writes those over 16 KiB to a file).
start_nginx proxy "upstream mock { server 127.0.0.1:$mock_port; keepalive 256; }
  client_body_buffer_size 1m;
  server { listen 127.0.0.1:$proxy_port;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }" 2

export LLMGW_DB="$work/llmgw.db"
"$llmgw" init >/dev/null 2>&1
cat >"$work/catalog.json" <<JSON
{"providers": [{"id": "mock", "name": "Mock", "base_url": "http://127.0.0.1:$mock_port/v1",
                "api_key_env": "MOCK_API_KEY", "enabled": true},
               {"id": "mock-native", "name": "Mock (Messages API)", "kind": "anthropic",
                "base_url": "http://127.0.0.1:$mock_port", "api_key_env": "MOCK_API_KEY",
                "enabled": true}],
 "models": [{"id": "bench-model", "name": "Bench", "mappings": [
   {"provider": "mock", "upstream_model": "bench-upstream", "input_price": "0.15",
    "output_price": "0.6", "cached_input_price": "0.075", "context_size": 128000,
    "max_output_tokens": 16384, "streaming": true}]},
   {"id": "bench-claude", "name": "Bench (Messages API)", "mappings": [
   {"provider": "mock-native", "upstream_model": "bench-upstream", "input_price": "0.15",
    "output_price": "0.6", "cached_input_price": "0.075", "context_size": 128000,
    "max_output_tokens": 16384, "streaming": true}]}]}
JSON
"$llmgw" catalog import "$work/catalog.json" >/dev/null 2>&1
key=$("$llmgw" key create -d bench --limit 1000000 --allow-model bench-model \
  --allow-model bench-claude --max-input-price 10 2>/dev/null)
MOCK_API_KEY=bench-credential "$llmgw" serve --listen "127.0.0.1:$gateway_port" --access-log off \
  2>"$work/serve.log" &
pids+=($!)
gateway_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null && break; sleep 0.05; done
targets="direct nginx llmgw llmgw-msg llmgw-xlat"
if [ -n "${LIMITED:-}" ]; then
  limited_key=$("$llmgw" key create -d bench-limited --limit 1000000 --allow-model bench-model \
    --max-input-price 10 --rpm 1000000000 --rpd 1000000000 --tpm 1000000000 \
    --max-parallel 1000000 2>/dev/null)
  targets="$targets llmgw-lim"
fi
if [ -n "$baseline" ]; then
  # Its own database, made by itself (an older build refuses a newer schema), with the
  # same catalog and the same key and rules copied over (their columns must match).
  LLMGW_DB="$work/baseline.db" "$baseline" init >/dev/null 2>&1
  LLMGW_DB="$work/baseline.db" "$baseline" catalog import "$work/catalog.json" >/dev/null 2>&1
  for table in api_keys iam_rules; do  # the columns the baseline's schema has
    columns=$(sqlite3 "$work/baseline.db" "SELECT group_concat(name) FROM pragma_table_info('$table')")
    sqlite3 "$work/baseline.db" "ATTACH '$LLMGW_DB' AS new;
      INSERT INTO $table ($columns) SELECT $columns FROM new.$table;"
  done
  baseline_port=$(free_port)
  LLMGW_DB="$work/baseline.db" MOCK_API_KEY=bench-credential "$baseline" serve \
    --listen "127.0.0.1:$baseline_port" --access-log off 2>"$work/baseline.log" &
  pids+=($!)
  baseline_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$baseline_port/healthz" >/dev/null && break; sleep 0.05; done
  targets="$targets baseline"
fi

# A wrk script that POSTs `before` + the message + `after` (the message PROMPT_BYTES long, or
# a short one), with the header fields given after them ("name: value").
write_post_script() {  # file, before, after, fields...
  local file=$1 before=$2 after=$3 field
  shift 3
  {
    echo 'wrk.method = "POST"'
    echo 'local content = "Hello, how are you?"'
    echo "content = content .. string.rep(\"x\", $prompt_bytes - #content)"
    echo "wrk.body = '$before' .. content .. '$after'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    for field in "$@"; do
      echo "wrk.headers[\"${field%%: *}\"] = \"${field#*: }\""
    done
  } >"$file"
}
write_post_script "$work/post.lua" '{"model":"bench-model","messages":[{"role":"user","content":"' \
  '"}],"max_tokens":64}' "Authorization: Bearer $key"
[ -z "${limited_key:-}" ] || write_post_script "$work/limited.lua" \
  '{"model":"bench-model","messages":[{"role":"user","content":"' '"}],"max_tokens":64}' \
  "Authorization: Bearer $limited_key"
write_post_script "$work/messages.lua" \
  '{"model":"bench-claude","max_tokens":64,"messages":[{"role":"user","content":"' '"}]}' \
  "x-api-key: $key" "anthropic-version: 2023-06-01"
write_post_script "$work/translated.lua" '{"model":"bench-claude","messages":[{"role":"user","content":"' \
  '"}],"max_tokens":64}' "Authorization: Bearer $key"

hz=$(getconf CLK_TCK)

declare -A rps p50 p99 cpu
run() {  # target, port, pids, connections
  local before after out threads=$(( $4 < 2 ? 1 : 2 )) script=post.lua path=/v1/chat/completions
  if [ "$1" = llmgw-msg ]; then script=messages.lua; path=/v1/messages; fi
  if [ "$1" = llmgw-xlat ]; then script=translated.lua; fi
  if [ "$1" = llmgw-lim ]; then script=limited.lua; fi
  before=$(cpu_ticks $3)
  local perf_pid=""
  if [ -n "${PROFILE:-}" ] && [ "$1" = llmgw ] && [ "${round:-0}" = "$rounds" ]; then
    perf record -F 499 --call-graph dwarf,8192 -p "$3" -o "$PROFILE.c$4.data" -- sleep "$duration" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  out=$(wrk -t"$threads" -c"$4" -d"${duration}s" --latency -s "$work/$script" "http://127.0.0.1:$2$path")
  after=$(cpu_ticks $3)
  [ -n "$perf_pid" ] && wait "$perf_pid" || true
  local r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local total=$(awk '/requests in/ {print $1}' <<<"$out")
  local errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  [ -n "$errors" ] && echo "  $1 c=$4: $errors" >&2
  rps[$1,$4]="${rps[$1,$4]:-} $r"
  p50[$1,$4]="${p50[$1,$4]:-} $(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99[$1,$4]="${p99[$1,$4]:-} $(awk '$1 == "99%" {print $2}' <<<"$out")"
  cpu[$1,$4]="${cpu[$1,$4]:-} $(awk -v t=$((after - before)) -v n="$total" -v hz="$hz" 'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')"
}

for c in $connections; do
  for round in $(seq "$rounds"); do
    run direct "$mock_port" "$(nginx_pids mock)" "$c"
    run nginx "$proxy_port" "$(nginx_pids proxy)" "$c"
    run llmgw "$gateway_port" "$gateway_pid" "$c"
    run llmgw-msg "$gateway_port" "$gateway_pid" "$c"
    run llmgw-xlat "$gateway_port" "$gateway_pid" "$c"
    [ -z "${limited_key:-}" ] || run llmgw-lim "$gateway_port" "$gateway_pid" "$c"
    [ -z "$baseline" ] || run baseline "$baseline_port" "$baseline_pid" "$c"
  done
done

to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1e6} else print v}'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-10s %4s %10s %9s %9s %10s %9s %9s\n' target conns "req/s" "p50 us" "p99 us" "cpu us/req" "rps/ngx" "cpu/ngx"
for c in $connections; do
  nr=$(echo "${rps[nginx,$c]}" | median); nc=$(echo "${cpu[nginx,$c]}" | median)
  for t in $targets; do
    r=$(echo "${rps[$t,$c]}" | median)
    a=$(for v in ${p50[$t,$c]}; do echo "$v" | to_us; done | tr '\n' ' ' | median)
    b=$(for v in ${p99[$t,$c]}; do echo "$v" | to_us; done | tr '\n' ' ' | median)
    u=$(echo "${cpu[$t,$c]}" | median)
    awk -v t="$t" -v c="$c" -v r="$r" -v a="$a" -v b="$b" -v u="$u" -v nr="$nr" -v nc="$nc" \
      'BEGIN {printf "%-10s %4d %10.0f %9.0f %9.0f %10.1f %9.2f %9.2f\n", t, c, r, a, b, u, r / nr, (nc ? u / nc : 0)}'
  done
done
echo "gateway log rows: $(sqlite3 "$LLMGW_DB" 'SELECT count(*) FROM request_log' 2>/dev/null || echo '?')" >&2
