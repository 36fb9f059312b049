# Sourced by the shell-driven tests. help_tree <llmgw binary> [<command words>...] prints
# one line per command, read from the --help output of each: its words, its subcommands
# (and their aliases) and its long options, separated by '|' ("key rule|list add ...|--help ...").

help_tree() {
  local bin=$1 help subcommands options subcommand
  shift
  help=$(timeout 10 "$bin" "$@" --help)
  # sed rather than grep, which fails on no match: a command may have no subcommands.
  # A command is listed with its aliases: "  delete, rm    delete a key ...".
  subcommands=$(sed -n '/^Subcommands:/,/^$/s/^  *\([a-z][a-z-]*\(, [a-z][a-z-]*\)*\) .*/\1/p' \
    <<<"$help" | sed 's/, /\n/g' | paste -sd' ')
  options=$(sed -n '/^Options:/,/^$/s/^  *\(-[-a-zA-Z0-9,]*\).*/\1/p' <<<"$help" |
    tr ',' '\n' | sed -n '/^--/p' | paste -sd' ')
  printf '%s|%s|%s\n' "$*" "$subcommands" "$options"
  for subcommand in $subcommands; do
    help_tree "$bin" "$@" "$subcommand"
  done
}
