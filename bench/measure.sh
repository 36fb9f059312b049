# Sourced by the bench scripts: timing of a shell function, as medians.
#
#   measure <function> <runs>   prints "<median wall ms> <median cpu ms>"
#
# cpu is the user + system time of the process: on a busy machine wall time also counts
# the wait for a CPU, which the CPU time does not.
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
