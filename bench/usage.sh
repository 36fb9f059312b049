#!/usr/bin/env bash
# Times `llmgw usage` reports against a request log of 1,000,000 rows.
#
#   bench/usage.sh [path/to/llmgw]    (default: $LLMGW_BIN, else build/llmgw)
#
# Everything happens in a temporary folder that is removed at the end; the script touches
# nothing else and talks to no network. Needs sqlite3.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bin=$(llmgw_binary "${1:-${LLMGW_BIN:-build/llmgw}}")
rows=${ROWS:-1000000}
runs=${RUNS:-7}

command -v sqlite3 >/dev/null || { echo "usage.sh: sqlite3 is required" >&2; exit 2; }

make_workspace
db=$work/llmgw.db
export LLMGW_DB=$db

# The schema comes from the binary. The rows go in with one INSERT, then their hourly
# roll-ups with one INSERT ... SELECT over the schema's usage_facts view (the backfill of
# migration step 5; the daemon's writer adds the same per 1,000 rows), and the roll-up
# progress moves past them. The rows
# are spread evenly, in time order, over the 30 days up to now; each row draws its key (of
# 50), model (of 10), provider (of 5) and status (1 in 20 an error) independently, the
# worst case for roll-ups: almost every hour has every key, model and provider.
"$bin" init >/dev/null 2>&1
now_ms=$(( $(date +%s%N) / 1000000 ))
step_ms=$(( 30 * 86400000 / rows ))
(( step_ms > 0 )) || { echo "usage.sh: at most $(( 30 * 86400000 )) rows" >&2; exit 2; }
build_start=$(date +%s%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA busy_timeout = 5000;
PRAGMA cache_size = -400000;
BEGIN IMMEDIATE;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO api_keys (id, secret_hash, prefix, description, status, created_at, updated_at)
SELECT printf('key_bench%08d', i), printf('%064d', i), 'llmgtwy_bnch', 'bench key ' || i,
       'active', $now_ms - 31 * 86400000, $now_ms - 31 * 86400000
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows),
draws AS (SELECT i, abs(random()) AS r FROM n)
INSERT INTO request_log (request_id, time, key_id, requested_model, served_model, provider,
                         status, error_code, prompt_tokens, completion_tokens, cached_tokens,
                         cost, estimated, streamed, cancelled, latency_ms, ttft_ms)
SELECT 'req_' || i, $now_ms - 30 * 86400000 + i * $step_ms + r % $step_ms,
       printf('key_bench%08d', r % 50 + 1), 'model-' || (r / 50 % 10),
       'model-' || (r / 50 % 10), 'provider-' || (r / 500 % 5),
       CASE WHEN r / 2500 % 20 = 0 THEN 500 ELSE 200 END,
       CASE WHEN r / 2500 % 20 = 0 THEN 'upstream_error' ELSE '' END,
       r / 50000 % 4000, r / 200000000 % 1000, r / 900000 % 500,
       r / 70000 % 100000000, 0, r % 2, 0, 50 + r % 3000, NULL
FROM draws;
INSERT INTO usage_rollup
SELECT scope, key_id, hour, model, provider, count(*), sum(error), sum(prompt_tokens),
       sum(completion_tokens), sum(cached_tokens), sum(cost)
FROM usage_facts GROUP BY scope, key_id, hour, model, provider;
UPDATE usage_rollup_progress SET log_id = (SELECT max(id) FROM request_log);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
build_s=$(awk -v ns=$(( $(date +%s%N) - build_start )) 'BEGIN { printf "%.1f", ns / 1e9 }')
count=$(sqlite3 "$db" "SELECT count(*) FROM request_log")
rollup=$(sqlite3 "$db" "SELECT count(*) FROM usage_rollup")

run_by_model() { "$bin" usage --by model; }
run_by_day() { "$bin" usage --by day; }
run_by_model_7d() { "$bin" usage --by model --since 7d; }
run_key_by_day() { "$bin" usage --key key_bench00000007 --by day --since 10d; }
run_total_json() { "$bin" --json usage; }
# The same --by model report straight from the log, for comparison: what a report costs
# without the roll-ups.
run_log_scan() {
  sqlite3 "$db" "SELECT CASE served_model WHEN '' THEN requested_model ELSE served_model END,
    count(*), sum(status >= 400), sum(prompt_tokens), sum(completion_tokens),
    sum(cached_tokens), sum(cost) FROM request_log GROUP BY 1"
}
names=("usage --by model" "usage --by day" "usage --by model --since 7d"
       "usage --key K --by day --since 10d" "--json usage" "(sqlite3 GROUP BY over the log)")
runners=(run_by_model run_by_day run_by_model_7d run_key_by_day run_total_json run_log_scan)

echo "llmgw: $("$bin" version)   log rows: $count   roll-up rows: $rollup   built in ${build_s} s"
echo "runs per command: $runs   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-36s %16s %16s\n' "command" "median wall ms" "median cpu ms"
for i in "${!names[@]}"; do
  "${runners[$i]}" >/dev/null 2>&1  # warm the page cache
  read -r wall cpu <<<"$(measure "${runners[$i]}" "$runs")"
  printf '%-36s %16s %16s\n' "${names[$i]}" "$wall" "$cpu"
done
