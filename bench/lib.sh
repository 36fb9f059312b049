# Sourced by the bench scripts: what they share.
#
#   llmgw_binary <path>     the absolute path of an executable llmgw, or exit 2
#   free_port               a free TCP port on 127.0.0.1
#   start_nginx <name> <http block> [workers] [main-context lines]
#                           nginx from $work/<name>/nginx.conf, pid in $work/<name>/nginx.pid
#   make_workspace          $work: a temporary folder; at exit every pid in $pids, every
#                           nginx started here and the folder are gone
#   $completion             the fixed chat.completion (with usage) the mocks answer
#   $message                the same answer as an Anthropic Messages API message
#   cpu_ticks <pid>...      CPU ticks (utime + stime, 1/$(getconf CLK_TCK) s) of the
#                           processes, summed
#   nginx_pids <name>       the pids of nginx <name>: its master and its workers
#   measure <function> <runs>   prints "<median wall ms> <median cpu ms>"; cpu is the user
#                           + system time of the process: on a busy machine wall time also
#                           counts the wait for a CPU, which the CPU time does not.

completion='{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench-upstream","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the mock upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}'
message='{"id":"msg_bench","type":"message","role":"assistant","model":"bench-upstream","content":[{"type":"text","text":"Hello from the mock upstream."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":7}}'

make_workspace() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/llmgw-bench-XXXXXX")
  pids=()
  trap cleanup_workspace EXIT
}

cleanup_workspace() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for nginx_pid in "$work"/*/nginx.pid; do
    [ -f "$nginx_pid" ] && kill "$(cat "$nginx_pid")" 2>/dev/null || true
  done
  sleep 0.3
  rm -rf "$work"
}

llmgw_binary() {
  if [[ ! -x $1 ]]; then
    echo "$(basename "$0"): no llmgw binary at '$1'; build first or pass its path" >&2
    exit 2
  fi
  echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

cpu_ticks() {
  local t=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$t"
}

nginx_pids() { local master; master=$(cat "$work/$1/nginx.pid"); echo "$master $(pgrep -P "$master" | tr '\n' ' ')"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_nginx() {
  mkdir -p "$work/$1"
  cat >"$work/$1/nginx.conf" <<CONF
${4:-}
worker_processes ${3:-1};
worker_rlimit_nofile 20000;
pid $work/$1/nginx.pid;
error_log $work/$1/error.log;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/$1; proxy_temp_path $work/$1;
  fastcgi_temp_path $work/$1; uwsgi_temp_path $work/$1; scgi_temp_path $work/$1;
  $2
}
CONF
  nginx -p "$work/$1" -c "$work/$1/nginx.conf"
}

measure() {
  local runner=$1 runs=$2 walls=() cpus=() line real user sys
  local TIMEFORMAT='%R %U %S'
  for ((r = 0; r < runs; ++r)); do
    line=$( { time "$runner" >/dev/null 2>&1; } 2>&1 )
    read -r real user sys <<<"$line"
    walls+=("$real")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
  done
  local median='{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.1f", m * 1000 }'
  printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -g | awk "$median")" \
    "$(printf '%s\n' "${cpus[@]}" | sort -g | awk "$median")"
}
