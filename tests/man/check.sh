#!/bin/bash
# check.sh lint <man folder>: every page passes `groff -man -ww -z` without a warning.
# check.sh options <man folder> <llmgw binary>: every long option that the --help of any
# command shows is named in some page, so that the pages cannot drift from the binary.
set -euo pipefail
mode=$1 man=$2
source "$(dirname "$0")/../support/help_tree.sh"
failures=0

lint() {
  local page messages
  for page in "$man"/*.1; do
    if ! messages=$(timeout 20 groff -man -ww -z "$page" 2>&1) || [[ -n $messages ]]; then
      printf '%s:\n%s\n' "$page" "${messages:-groff failed}"
      failures=$((failures + 1))
    fi
  done
}

options() {
  local text command subcommands options option count=0
  text=$(sed 's/\\-/-/g' "$man"/*.1)
  while IFS='|' read -r command subcommands options; do
    for option in $options; do
      count=$((count + 1))
      if ! grep -qE -- "${option}([^a-z0-9-]|\$)" <<<"$text"; then
        echo "'llmgw${command:+ $command} --help' shows $option, which no page in $man names"
        failures=$((failures + 1))
      fi
    done
  done < <(help_tree "$bin")
  # A walk that found nothing would pass for the wrong reason.
  if ((count < 50)); then
    echo "found only $count options in the --help output"
    failures=$((failures + 1))
  fi
}

case $mode in
  lint) lint ;;
  options) bin=$3 && options ;;
  *) echo "usage: check.sh lint|options <man folder> [<llmgw binary>]" >&2 && exit 2 ;;
esac
exit $((failures > 0))
