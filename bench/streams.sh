#!/usr/bin/env bash
# Streams, a slow (50 ms) upstream, many connections, memory and accounting alone: the rest
# of the gateway harness (bench/gateway.sh covers the fast non-streaming path). Everything
# runs on 127.0.0.1 in a temporary folder and stops by itself (by pid).
#
#   bench/streams.sh [path/to/llmgw]
#   env: RUNS=50 (TTFB samples) DURATION=5 ROUNDS=3 SLOW_CONNECTIONS="256 1024"
#        STREAMS=1000 HOLD=10 (seconds the streams are held) THREADS=1100
#        PROFILE=/tmp/st: perf profiles of llmgw (/tmp/st.slow1024.data during the last 50 ms
#        round at the highest connection count, /tmp/st.echo.data during the last echo round)
#
# Needs nginx with the echo module (apt-get install -y nginx libnginx-mod-http-echo wrk
# sqlite3 curl). Prints:
#  1. time to first byte of a fixed SSE stream: direct, through nginx, through llmgw;
#  2. a mock that answers after 50 ms, at 256 and 1,024 connections: req/s, p50/p99, errors
#     and CPU per request (of the mock for direct, of the proxy's own processes otherwise)
#     for direct, nginx and llmgw; ratios to direct, and the CPU ratio to nginx;
#  3. STREAMS slow streams (1 s per event) held at once through llmgw: errors, connections
#     seen open, llmgw's idle RSS after start and peak RSS (VmHWM);
#  4. accounting alone: the built-in "echo" model (no upstream), logged req/s, llmgw's CPU
#     per request and the rows that reached request_log per second; then, without HTTP,
#     llmgw_bench_accounting (bench/accounting_bench.cc, built next to llmgw) at 1, 16 and
#     64 request threads.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
llmgw=$(llmgw_binary "${1:-${LLMGW_BIN:-build/llmgw}}")
runs=${RUNS:-50}
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
slow_connections=${SLOW_CONNECTIONS:-"256 1024"}
streams=${STREAMS:-1000}
hold=${HOLD:-10}
threads=${THREADS:-1100}
echo_module=/usr/lib/nginx/modules/ngx_http_echo_module.so
for tool in nginx wrk curl sqlite3 "$llmgw"; do
  command -v "$tool" >/dev/null || { echo "bench: missing $tool" >&2; exit 1; }
done
[ -f "$echo_module" ] || { echo "bench: missing $echo_module (apt-get install -y libnginx-mod-http-echo)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge $((streams * 2 + 200)) ] || echo "bench: ulimit -n $(ulimit -n) may be too low" >&2

make_workspace

mock_port=$(free_port); proxy_port=$(free_port); gateway_port=$(free_port)

chunk() { printf '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench-upstream","choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}' "$1"; }
usage_chunk='{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench-upstream","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}'
words=(Hello " from" " the" " mock" " upstream.")
sse=""; for w in "${words[@]}"; do sse+="data: $(chunk "$w")\n\n"; done
sse+="data: $usage_chunk\n\ndata: [DONE]\n\n"
sse=$(printf '%b.' "$sse"); sse=${sse%.}  # real newlines; the dot keeps the trailing ones
# The slow stream: one event per second, then the usage chunk and [DONE].
slow_sse=""; for w in "${words[@]}"; do slow_sse+="echo 'data: $(chunk "$w")\n'; echo_flush; echo_sleep 1; "; done
slow_sse+="echo 'data: $usage_chunk\n'; echo 'data: [DONE]\n';"

# The mock: /fast/v1 a fixed completion, /sse/v1 a fixed stream, /slow/v1 the completion after
# 50 ms, /slowsse/v1 a stream of one event a second. The echo module reads no body; nginx
# discards it.
start_nginx mock "server { listen 127.0.0.1:$mock_port backlog=4096;
    location = /fast/v1/chat/completions { default_type application/json; return 200 '$completion'; }
    location = /sse/v1/chat/completions { default_type text/event-stream; return 200 '$sse'; }
    location = /slow/v1/chat/completions { default_type application/json; echo_sleep 0.05; echo '$completion'; }
    location = /slowsse/v1/chat/completions { default_type text/event-stream; $slow_sse }
  }" 2 "load_module $echo_module;"
start_nginx proxy "upstream mock { server 127.0.0.1:$mock_port; keepalive 1024; }
  server { listen 127.0.0.1:$proxy_port backlog=4096;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection \"\";
                 proxy_buffering off; } }" 2

export LLMGW_DB="$work/llmgw.db"
"$llmgw" init >/dev/null 2>&1
provider() { echo "{\"id\": \"$1\", \"name\": \"$1\", \"base_url\": \"http://127.0.0.1:$mock_port/$2/v1\", \"api_key_env\": \"MOCK_API_KEY\", \"enabled\": true}"; }
model() { echo "{\"id\": \"$1\", \"name\": \"$1\", \"mappings\": [{\"provider\": \"$2\", \"upstream_model\": \"bench-upstream\",
  \"input_price\": \"0.15\", \"output_price\": \"0.6\", \"cached_input_price\": \"0.075\", \"context_size\": 128000,
  \"max_output_tokens\": 16384, \"streaming\": true}]}"; }
cat >"$work/catalog.json" <<JSON
{"providers": [$(provider mock-sse sse), $(provider mock-slow slow), $(provider mock-slowsse slowsse)],
 "models": [$(model bench-stream mock-sse), $(model bench-slow mock-slow), $(model bench-slowstream mock-slowsse)]}
JSON
"$llmgw" catalog import "$work/catalog.json" >/dev/null
key=$("$llmgw" key create -d bench --limit 1000000 \
  --allow-model bench-stream,bench-slow,bench-slowstream,echo --max-input-price 10 2>/dev/null)
MOCK_API_KEY=bench-credential "$llmgw" serve --listen "127.0.0.1:$gateway_port" --access-log off \
  --threads "$threads" 2>"$work/serve.log" &
gateway_pid=$!
pids+=("$gateway_pid")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null && break; sleep 0.05; done
sleep 0.5
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
idle_rss=$(status_kb "$gateway_pid" VmRSS)

body() { echo "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, how are you?\"}],\"max_tokens\":64${2:+,$2}}"; }
lua() {  # file, model, extra body fields
  cat >"$work/$1" <<LUA
wrk.method = "POST"
wrk.body = '$(body "$2" "${3:-}")'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
LUA
}
lua slow.lua bench-slow
lua slowsse.lua bench-slowstream '"stream":true'
lua echo.lua echo

to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1e6} else print v}'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
url() {  # target, mock path
  case $1 in
    direct) echo "http://127.0.0.1:$mock_port/$2/v1/chat/completions" ;;
    nginx) echo "http://127.0.0.1:$proxy_port/$2/v1/chat/completions" ;;
    llmgw) echo "http://127.0.0.1:$gateway_port/v1/chat/completions" ;;
  esac
}

# 1. Time to first byte of the fixed stream (one curl per sample, connection set-up included).
echo "== 1. time to first byte, fixed SSE stream, $runs runs each, medians"
printf '%-7s %9s %9s %7s\n' target "ttfb us" "total us" "events"
declare -A ttfb total
for i in $(seq "$runs"); do
  for t in direct nginx llmgw; do
    out=$(curl -sS -o /dev/null -w '%{http_code} %{time_starttransfer} %{time_total}' \
      -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d "$(body bench-stream '"stream":true,"stream_options":{"include_usage":true}')" "$(url $t sse)")
    read -r code a b <<<"$out"
    [ "$code" = 200 ] || echo "  $t: HTTP $code" >&2
    ttfb[$t]="${ttfb[$t]:-} $(awk -v v="$a" 'BEGIN {printf "%.0f", v * 1e6}')"
    total[$t]="${total[$t]:-} $(awk -v v="$b" 'BEGIN {printf "%.0f", v * 1e6}')"
  done
done
for t in direct nginx llmgw; do
  events=$(curl -sS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "$(body bench-stream '"stream":true,"stream_options":{"include_usage":true}')" "$(url $t sse)" | grep -c '^data:' || true)
  printf '%-7s %9s %9s %7s\n' "$t" "$(echo "${ttfb[$t]}" | median)" "$(echo "${total[$t]}" | median)" "$events"
done

# 2. The 50 ms upstream.
declare -A rps p50 p99 errs cpu
hz=$(getconf CLK_TCK)
wrk_run() {  # key, url, connections, lua, duration, pids whose CPU counts[, profile name]
  local out perf_pid="" before after total
  before=$(cpu_ticks $6)
  if [ -n "${PROFILE:-}" ] && [ -n "${7:-}" ]; then
    perf record -F 499 --call-graph dwarf,8192 -p "$gateway_pid" -o "$PROFILE.$7.data" -- sleep "$5" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  out=$(wrk -t2 -c"$3" -d"$5s" --timeout 10s --latency -s "$work/$4" "$2")
  after=$(cpu_ticks $6)
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu[$1]="${cpu[$1]:-} $(awk -v t=$((after - before)) -v n="$total" -v hz="$hz" 'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')"
  rps[$1]="${rps[$1]:-} $(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50[$1]="${p50[$1]:-} $(awk '$1 == "50%" {print $2}' <<<"$out" | to_us)"
  p99[$1]="${p99[$1]:-} $(awk '$1 == "99%" {print $2}' <<<"$out" | to_us)"
  local e
  e=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
  errs[$1]=$(( ${errs[$1]:-0} + e ))
  [ -z "$perf_pid" ] || wait "$perf_pid" || true
  last_out=$out
}
target_pids() {  # whose CPU a target's requests cost, the mock's aside
  case $1 in
    direct) nginx_pids mock ;;
    nginx) nginx_pids proxy ;;
    llmgw) echo "$gateway_pid" ;;
  esac
}
echo
echo "== 2. 50 ms upstream, ${duration}s x $rounds interleaved rounds, medians; errors summed"
for c in $slow_connections; do
  for round in $(seq "$rounds"); do
    for t in direct nginx llmgw; do
      prof=""; [ "$t" = llmgw ] && [ "$round" = "$rounds" ] && prof="slow$c"
      wrk_run "$t,$c" "$(url $t slow)" "$c" slow.lua "$duration" "$(target_pids $t)" $prof
    done
  done
done
printf '%-7s %5s %9s %9s %9s %7s %10s %9s %12s %8s\n' target conns "req/s" "p50 us" "p99 us" errors \
  "cpu us/req" "rps/dir" "p99-dir us" "cpu/ngx"
for c in $slow_connections; do
  dr=$(echo "${rps[direct,$c]}" | median); dp=$(echo "${p99[direct,$c]}" | median)
  nc=$(echo "${cpu[nginx,$c]}" | median)
  for t in direct nginx llmgw; do
    r=$(echo "${rps[$t,$c]}" | median); a=$(echo "${p50[$t,$c]}" | median); b=$(echo "${p99[$t,$c]}" | median)
    u=$(echo "${cpu[$t,$c]}" | median)
    awk -v t="$t" -v c="$c" -v r="$r" -v a="$a" -v b="$b" -v e="${errs[$t,$c]}" -v u="$u" -v dr="$dr" \
      -v dp="$dp" -v nc="$nc" 'BEGIN {printf "%-7s %5d %9.0f %9.0f %9.0f %7d %10.1f %9.3f %12.0f %8.2f\n",
        t, c, r, a, b, e, u, r / dr, b - dp, nc ? u / nc : 0}'
  done
done

# 3. Streams held at once: each of the wrk connections holds a ~5 s stream for $hold seconds.
echo
echo "== 3. $streams slow streams (5 events, 1 s apart) held at once through llmgw for ${hold}s"
wrk -t2 -c"$streams" -d"${hold}s" --timeout 20s --latency -s "$work/slowsse.lua" "$(url llmgw slowsse)" \
  >"$work/hold.out" &
wrk_pid=$!
pids+=("$wrk_pid")
open_max=0; rss_max=0
for _ in $(seq $((hold * 2))); do
  sleep 0.5
  open=$(ss -Htn state established "( sport = :$gateway_port )" | wc -l)
  rss=$(status_kb "$gateway_pid" VmRSS)
  (( open > open_max )) && open_max=$open
  (( rss > rss_max )) && rss_max=$rss
done
wait "$wrk_pid" || true
hold_out=$(cat "$work/hold.out")
hold_done=$(awk '/requests in/ {print $1}' <<<"$hold_out")
hold_errs=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$hold_out")
peak_rss=$(status_kb "$gateway_pid" VmHWM)
echo "streams completed: $hold_done, errors: $hold_errs (timeouts counted), most client connections open at once: $open_max"
echo "wrk latency (whole stream): p50 $(awk '$1 == "50%" {print $2}' <<<"$hold_out"), p99 $(awk '$1 == "99%" {print $2}' <<<"$hold_out")"
echo "llmgw RSS: idle after start $((idle_rss / 1024)) MB ($idle_rss kB), most while holding $((rss_max / 1024)) MB, peak (VmHWM, whole run so far) $((peak_rss / 1024)) MB ($peak_rss kB)"

# 4. Accounting alone: the local echo model, every request logged and committed.
echo
echo "== 4. accounting alone: model echo (no upstream), 16 connections, ${duration}s x $rounds"
sleep 2  # let the streams' rows land
for round in $(seq "$rounds"); do
  before=$(sqlite3 "$LLMGW_DB" 'SELECT count(*) FROM request_log')
  t0=$(date +%s.%N)
  wrk_run "echo" "$(url llmgw)" 16 echo.lua "$duration" "$gateway_pid" "$([ "$round" = "$rounds" ] && echo echo)"
  sleep 1  # group commit: rows written in the run land within a moment
  after=$(sqlite3 "$LLMGW_DB" 'SELECT count(*) FROM request_log')
  total_req=$(awk '/requests in/ {print $1}' <<<"$last_out")
  echo "round $round: $(awk '/Requests\/sec/ {print $2}' <<<"$last_out") req/s, $total_req requests, $((after - before)) rows -> $(awk -v n=$((after - before)) -v d="$duration" 'BEGIN {printf "%.0f", n / d}') rows/s over the run"
done
echo "median: $(echo "${rps[echo]}" | median) logged req/s, p50 $(echo "${p50[echo]}" | median) us, p99 $(echo "${p99[echo]}" | median) us, CPU $(echo "${cpu[echo]}" | median) us per request, errors ${errs[echo]}"
echo "request_log rows: $(sqlite3 "$LLMGW_DB" 'SELECT count(*) FROM request_log')" >&2
# The same without HTTP: request threads straight into the daemon's group commit.
ledger_bench="$(dirname "$llmgw")/bench/llmgw_bench_accounting"
if [[ -x $ledger_bench ]]; then
  for threads in 1 16 64; do "$ledger_bench" "$threads" "$duration"; done
else
  echo "(no $ledger_bench: build the llmgw_bench_accounting target for the ledger alone)"
fi
