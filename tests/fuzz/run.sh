#!/bin/sh
# Runs one fuzz target for a fixed time over a copy of its corpus (tests/fuzz/corpus/<target>),
# so what it learns never changes the repository. Exits non-zero when the target crashes,
# leaks, hangs for 10 s or passes 512 MB; the input is saved as <build-dir>/<target>-crash-*
# (or -leak-, -timeout-, -oom-) and printed in base64.
#   tests/fuzz/run.sh <build-dir> <target> <seconds>
set -eu
[ $# -eq 3 ] || { echo "usage: $0 <build-dir> <target> <seconds>" >&2; exit 2; }
build=$1 target=$2 seconds=$3
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(mktemp -d "${TMPDIR:-/tmp}/llmgw-fuzz-$target-XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp "$here/corpus/$target/"* "$corpus/"
dict=
[ -f "$here/$target.dict" ] && dict=-dict=$here/$target.dict
# AddressSanitizer keeps 256 MB of freed memory by default, half of the memory limit.
ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32} \
  "$build/${target}_fuzz" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$build/$target-" $dict "$corpus"
