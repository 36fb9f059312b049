#!/bin/sh
# The rooms of the source tree, from the bottom up: core/, core/wire/, daemon/runtime/,
# daemon/http/, daemon/upstream/, daemon/ (the gateway), cli/. A file includes only files
# of its own room and of the rooms below it; this prints every include that does not and
# fails.
#   tests/layout/rooms.sh <source-dir>
set -eu
[ $# -eq 1 ] || { echo "usage: $0 <source-dir>" >&2; exit 2; }
cd "$1"
rank() {
  case $1 in
    core/wire/*) echo 2 ;;
    core/*) echo 1 ;;
    daemon/runtime/*) echo 3 ;;
    daemon/http/*) echo 4 ;;
    daemon/upstream/*) echo 5 ;;
    daemon/*) echo 6 ;;
    cli/*) echo 7 ;;
    *) echo 0 ;;
  esac
}
status=0
checked=0
for file in $(find core daemon cli -name '*.h' -o -name '*.cc' | sort); do
  own=$(rank "$file")
  for included in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file"); do
    checked=$((checked + 1))
    if [ "$(rank "$included")" -gt "$own" ]; then
      echo "$file includes $included, a room above its own"
      status=1
    fi
  done
done
echo "$checked includes checked"
exit $status
