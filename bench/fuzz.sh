#!/usr/bin/env bash
# Longer fuzzing than CI's 20 s a target: builds the fuzz targets with clang (tests/fuzz)
# and runs each for the given time over a copy of its corpus, printing its run count. Stops
# at the first failure; the build folder keeps the input (<target>-crash-*) and the whole
# output (<target>.log).
#
#   bench/fuzz.sh <seconds per target> [build folder]   env: TARGETS="request_head sse" (default: every target)
#
# The build folder defaults to build/tests/fuzz, the one CTest's "fuzz: build" makes.
set -euo pipefail
if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <seconds per target> [build folder]" >&2
  exit 2
fi
seconds=$1
build=${2:-build/tests/fuzz}
fuzz=$(cd "$(dirname "$0")/../tests/fuzz" && pwd)
sh "$fuzz/build.sh" "$build"
every_target=$(cd "$build" && ls -- *_fuzz | sed 's/_fuzz$//')
for target in ${TARGETS:-$every_target}; do
  echo "== $target: $seconds s"
  sh "$fuzz/run.sh" "$build" "$target" "$seconds" >"$build/$target.log" 2>&1 ||
    { grep -E 'property violated|ERROR|SUMMARY|artifact_prefix' "$build/$target.log"; exit 1; }
  grep -E '^(Done|stat::new_units_added|stat::peak_rss_mb)' "$build/$target.log"
done
