#!/bin/bash
# run.sh <bash|zsh|fish> <llmgw binary> <completions folder> cases|help: completes with
# that shell's script (as the build generates it), against a temporary database, either
# every line of cases.txt (compared with the candidates it names, and in zsh and fish with
# their descriptions where it names them), or after every command of the binary's --help
# tree (its subcommands, exactly; its long options, all of them).
set -euo pipefail
shell=$1 bin=$2 scripts=$3 mode=$4
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/help_tree.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `llmgw` on PATH is the binary under test; its default database is a fresh one with a key.
mkdir "$work/bin" && ln -s "$bin" "$work/bin/llmgw"
export PATH="$work/bin:$PATH" LLMGW_DB="$work/default.db" HOME="$work" NO_COLOR=1
id_of() { sed -n "s/^ *\"id\": \"\($1_[a-z0-9]*\)\",\$/\1/p"; }
llmgw init >/dev/null 2>&1 && llmgw --db "$work/other.db" init >/dev/null 2>&1
key=$(llmgw --json key create -d completion | id_of key)
other=$(llmgw --db "$work/other.db" --json key create -d other | id_of key)
rule=$(llmgw --json key rule add "$key" --allow-model gpt-4o | id_of rule)
[[ -n $key && -n $other && -n $rule ]] || { echo "cannot create the test keys"; exit 1; }

# complete_line <line>: the candidates, one a line, each followed by a tab and its
# description where the shell shows one.
complete_line() {
  case $shell in
    bash)
      # As bash does with '=' in COMP_WORDBREAKS, --db=PATH is three words.
      timeout 20 bash --norc --noprofile -c '
        source "$1/llmgw.bash"
        read -ra COMP_WORDS <<<"${2//=/ = }"
        [[ $2 == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _llmgw
        printf "%s\n" "${COMPREPLY[@]}"' _ "$scripts" "$1"
      ;;
    zsh)
      # The completion function runs with `words` and `CURRENT` set as a completion widget
      # would set them; compadd prints the candidates that match the word's prefix, each
      # with the description of its display string ("word -- description", from -d).
      timeout 20 zsh -f -c '
        fpath=("$1" $fpath)
        autoload -U compinit && compinit -u -D
        autoload -U _llmgw
        compadd() {
          local i j display_array=""
          local -a offered displays
          for ((i = 1; i <= $#; i++)); do
            if [[ ${@[i]} == -d ]]; then
              display_array=${@[i+1]}
            elif [[ ${@[i]} == -- ]]; then
              offered=("${@[i+1,-1]}")
              [[ -n $display_array ]] && displays=("${(@P)display_array}")
              for ((j = 1; j <= ${#offered}; j++)); do
                [[ ${offered[j]} == ${words[CURRENT]}* ]] || continue
                if [[ ${displays[j]} == *" -- "* ]]; then
                  print -rn -- "${offered[j]}" && print -n "\t"
                  print -r -- "${displays[j]#* -- }"
                else
                  print -r -- "${offered[j]}"
                fi
              done
              return 0
            fi
          done
        }
        words=(${=2})
        [[ $2 == *" " ]] && words+=("")
        CURRENT=${#words}
        _llmgw' _ "$scripts" "$1"
      ;;
    fish)
      timeout 20 fish --no-config -c 'source $argv[1]/llmgw.fish
        complete --do-complete $argv[2]' "$scripts" "$1"
      ;;
  esac
}

failures=0

# expect <line> <candidates> [<described>]: the candidates, sorted and space separated, are
# all there is; in zsh and fish, so are the "candidate:description" entries of <described>,
# sorted and separated by " | ", when it is given.
expect() {
  local lines actual
  lines=$(complete_line "$1" | grep -v '^$' || true)
  actual=$(cut -f1 <<<"$lines" | grep -v '^$' | sort -u | paste -sd' ' || true)
  compare "$1" "$2" "$actual"
  if [[ -n ${3-} && $shell != bash ]]; then
    compare "$1" "$3" "$(tr '\t' ':' <<<"$lines" | sort -u |
      awk 'NR > 1 { printf " | " } { printf "%s", $0 }')"
  fi
}

compare() {
  if [[ $3 != "$2" ]]; then
    printf '%s: "%s"\n  expected: %s\n  actual:   %s\n' "$shell" "$1" "$2" "$3"
    failures=$((failures + 1))
  fi
}

# expect_options <line> <options...>: each option is among the candidates.
expect_options() {
  local line=$1 actual option
  shift
  actual=" $(complete_line "$line" | cut -f1 | paste -sd' ' || true) "
  for option in "$@"; do
    if [[ $actual != *" $option "* ]]; then
      printf '%s: "%s" does not offer %s\n' "$shell" "$line" "$option"
      failures=$((failures + 1))
    fi
  done
}

cases() {
  local line expected described
  while IFS=$'\t' read -r line expected described; do
    [[ -z $line || $line == \#* ]] && continue
    line=${line//@KEY@/$key} line=${line//@DB@/$work/other.db}
    expected=${expected//@KEY@/$key} expected=${expected//@OTHER@/$other}
    expected=${expected//@RULE@/$rule}
    described=${described//@KEY@/$key} described=${described//@OTHER@/$other}
    described=${described//@RULE@/$rule}
    expect "$line" "$expected" "$described"
  done <"$here/cases.txt"

  # Completing never creates a database.
  complete_line "llmgw --db $work/absent.db key show " >/dev/null || true
  if [[ -e $work/absent.db ]]; then
    echo "$shell: completing key ids created $work/absent.db"
    failures=$((failures + 1))
  fi
}

help() {
  local command subcommands options count=0
  while IFS='|' read -r command subcommands options; do
    count=$((count + 1))
    if [[ -n $subcommands ]]; then
      expect "llmgw ${command:+$command }" "$(tr ' ' '\n' <<<"$subcommands" | sort | paste -sd' ')"
    fi
    # shellcheck disable=SC2086 # one argument per option
    expect_options "llmgw ${command:+$command }--" $options
  done < <(help_tree "$bin")
  if ((count < 20)); then
    echo "found only $count commands in the --help output"
    failures=$((failures + 1))
  fi
}

case $mode in
  cases) cases ;;
  help) help ;;
esac
exit $((failures > 0))
