#!/usr/bin/env bash
# Times the key commands against a database of 10,000 keys.
#
#   bench/keys.sh [path/to/llmgw]     (default: $LLMGW_BIN, else build/llmgw)
#
# Everything happens in a temporary folder that is removed at the end; the script touches
# nothing else and talks to no network. Needs sqlite3; uses hyperfine when installed.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bin=$(llmgw_binary "${1:-${LLMGW_BIN:-build/llmgw}}")
keys=${KEYS:-10000}
runs=${RUNS:-20}

command -v sqlite3 >/dev/null || { echo "keys.sh: sqlite3 is required" >&2; exit 2; }

make_workspace
db=$work/llmgw.db
export LLMGW_DB=$db

# The schema comes from the binary; the rows are inserted in one transaction, shaped as
# `key create` would make them: random ids and prefixes, a SHA-256-sized hash, a mix of
# statuses, limits, period limits and expiries (money in picodollars, times in ms).
"$bin" init >/dev/null 2>&1
start_ms=$(( $(date +%s%N) / 1000000 - keys * 60000 ))
sqlite3 "$db" >/dev/null <<SQL
PRAGMA busy_timeout = 5000;
BEGIN IMMEDIATE;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $keys),
b32(c) AS (SELECT 'abcdefghijklmnopqrstuvwxyz234567'),
alnum(c) AS (SELECT '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')
INSERT INTO api_keys (id, secret_hash, prefix, description, status, usage_limit, usage,
                      period_limit, period, period_anchor, period_start, period_usage,
                      expires_at, created_at, updated_at, last_used_at)
SELECT 'key_' || (SELECT group_concat(substr(b32.c, (abs(random()) % 32) + 1, 1), '')
                  FROM b32, (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                             UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7
                             UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10
                             UNION ALL SELECT 11 UNION ALL SELECT 12) WHERE i = i),
       lower(hex(randomblob(32))),
       'llmgtwy_' || (SELECT group_concat(substr(alnum.c, (abs(random()) % 62) + 1, 1), '')
                      FROM alnum, (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
                                   UNION ALL SELECT 4) WHERE i = i),
       'bench key ' || i || ' for team ' || (i % 37),
       CASE WHEN i % 20 = 0 THEN 'deleted' WHEN i % 10 = 0 THEN 'disabled' ELSE 'active' END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 100 + 1) * 1000000000000 END,
       (i % 997) * 1234567890,
       CASE WHEN i % 4 = 0 THEN 5000000000000 END,
       CASE WHEN i % 4 = 0 THEN '1d' END,
       CASE WHEN i % 4 = 0 THEN ($start_ms / 86400000) * 86400000 END,
       CASE WHEN i % 4 = 0 THEN ($start_ms / 86400000) * 86400000 END,
       CASE WHEN i % 4 = 0 THEN (i % 50) * 1000000000 ELSE 0 END,
       CASE WHEN i % 5 = 0 THEN $start_ms + 90 * 86400000 END,
       $start_ms + i * 60000, $start_ms + i * 60000,
       CASE WHEN i % 2 = 0 THEN $start_ms + i * 60000 + 1000 END
FROM n;
COMMIT;
SQL
count=$(sqlite3 "$db" "SELECT count(*) FROM api_keys")
show_id=$(sqlite3 "$db" "SELECT id FROM api_keys WHERE status = 'active' ORDER BY created_at LIMIT 1 OFFSET $((count / 2))")

run_create() { "$bin" key create -d bench-created --limit 5; }
run_list_json() { "$bin" --json key list; }
run_show() { "$bin" key show "$show_id"; }
names=("key create" "key list --json" "key show")
runners=(run_create run_list_json run_show)

echo "llmgw: $("$bin" version)   keys: $count   runs per command: $runs   load: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v hyperfine >/dev/null; then
  export -f run_create run_list_json run_show
  export bin show_id
  for i in "${!names[@]}"; do
    hyperfine --shell=bash --runs "$runs" --warmup 2 --style basic -n "${names[$i]}" \
      "${runners[$i]} >/dev/null 2>&1"
  done
  exit 0
fi
printf '%-16s %16s %16s\n' "command" "median wall ms" "median cpu ms"
for i in "${!names[@]}"; do
  "${runners[$i]}" >/dev/null 2>&1  # warm the page cache
  read -r wall cpu <<<"$(measure "${runners[$i]}" "$runs")"
  printf '%-16s %16s %16s\n' "${names[$i]}" "$wall" "$cpu"
done
