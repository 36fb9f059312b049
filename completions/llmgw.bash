# bash completion for llmgw                                   -*- shell-script -*-
# Subcommands and options are listed here; key, model and provider ids are asked from the
# binary (`llmgw __complete keys|models|providers`), with the --db given on the line.

_llmgw_subcommands() {
  case $1 in
    "") echo "init version key providers provider catalog models model usage logs backup doctor serve" ;;
    key) echo "create list show update enable disable delete rm roll rule check" ;;
    "key rule") echo "list add delete rm enable disable clear" ;;
    provider) echo "set" ;;
    catalog) echo "export import reset" ;;
    model) echo "add update delete rm" ;;
    logs) echo "prune" ;;
  esac
}

_llmgw_options() {
  local rule="--allow-model --deny-model --allow-provider --deny-provider --free-only
    --paid-only --max-input-price --max-output-price --deny-free --deny-paid --allow-ip
    --deny-ip --force"
  local traffic="--rpm --rpd --tpm --max-parallel"
  local mapping="--name --provider --upstream-model --input-price --output-price
    --cached-input-price --cache-write-price --cache-write-1h-price --long-context-above
    --long-context-input-price --long-context-output-price --no-long-context --context-size
    --max-output-tokens --streaming --no-streaming"
  echo "--help --help-all --db --json --jq --no-headers"
  case $1 in
    "key create" | "key update" | "key enable" | "key disable" | "key delete" | "key rm" | \
      "key roll" | "key rule add" | "key rule delete" | "key rule rm" | "key rule enable" | \
      "key rule disable" | "key rule clear" | "provider set" | "catalog import" | "catalog reset" | "model add" | \
      "model update" | "model delete" | "model rm") echo "--dry-run" ;;
  esac
  case $1 in
    "key delete" | "key rm" | "key roll" | "key rule clear" | "catalog import" | \
      "catalog reset" | "model delete" | "model rm") echo "-y --yes" ;;
  esac
  case $1 in
    "") echo "-V --version" ;;
    "key create") echo "-d --description --limit --period-limit --period --expires $traffic
      $rule" ;;
    "key list") echo "--all" ;;
    "key update") echo "-d --description --limit --period-limit --period --expires $traffic
      --no-limit --no-period-limit --no-expires --no-rpm --no-rpd --no-tpm --no-max-parallel" ;;
    "key enable") echo "--expires" ;;
    "key delete" | "key rm" | "key rule delete" | "key rule rm") echo "--if-exists" ;;
    "key rule add") echo "$rule --type --value" ;;
    "key check") echo "-m --model --ip" ;;
    "provider set") echo "--name --base-url --kind --api-key-env --enable --disable --responses --no-responses" ;;
    "catalog import") echo "--replace" ;;
    models) echo "--provider --free" ;;
    "model add" | "model update") echo "$mapping" ;;
    "model delete" | "model rm") echo "--provider" ;;
    serve) echo "--listen --threads --max-body --upstream-connect-timeout --upstream-timeout
      --drain-timeout --header-timeout --body-timeout --error-format --access-log --ca-file --trusted-proxy" ;;
    usage) echo "--key --since --until --by --csv" ;;
    logs) echo "--key --model --status --endpoint --since -n --limit -f --follow" ;;
    "logs prune") echo "--older-than --dry-run" ;;
    backup) echo "--force" ;;
  esac
}

# What the first positional argument of a command is: keys, models, providers or file.
_llmgw_positional() {
  case $1 in
    "key show" | "key update" | "key enable" | "key disable" | "key delete" | "key rm" | \
      "key roll" | "key check" | "key rule "*) echo "keys" ;;
    "model update" | "model delete" | "model rm") echo "models" ;;
    "provider set") echo "providers" ;;
    "catalog import" | backup) echo "file" ;;
  esac
}

# What an option's value is: none (a flag), text, file, keys, models, providers, or the
# list of words it takes.
_llmgw_value() {
  case $1 in
    -m | --model | --allow-model | --deny-model) echo "models" ;;
    --provider | --allow-provider | --deny-provider) echo "providers" ;;
    --key) echo "keys" ;;
    --db | --ca-file) echo "file" ;;
    --by) echo "key model provider day hour" ;;
    --error-format) echo "auto reference openai" ;;
    --access-log) echo "on off" ;;
    --kind) echo "openai anthropic" ;;
    --endpoint) echo "/v1/chat/completions /v1/embeddings /v1/messages /v1/responses" ;;
    -d | --description | -n | --limit | --period-limit | --period | --expires | \
      --rpm | --rpd | --tpm | --max-parallel | \
      --max-input-price | --max-output-price | --type | --value | --name | --base-url | \
      --api-key-env | --upstream-model | --input-price | --output-price | \
      --cached-input-price | --cache-write-price | --cache-write-1h-price | --context-size | \
      --long-context-above | --long-context-input-price | --long-context-output-price | \
      --max-output-tokens | --listen | --threads | \
      --max-body | --upstream-connect-timeout | --upstream-timeout | --drain-timeout | \
      --header-timeout | --body-timeout | --trusted-proxy | --allow-ip | --deny-ip | --ip | \
      --since | --until | --status | --older-than | --jq) echo "text" ;;
    *) echo "none" ;;
  esac
}

# _llmgw_reply <what> <current word> <binary> <db>
_llmgw_reply() {
  local ids
  case $1 in
    none | text) ;;
    file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$2")
      ;;
    keys | models | providers)
      ids=$("$3" ${4:+--db "$4"} __complete "$1" 2>/dev/null)
      mapfile -t COMPREPLY < <(compgen -W "$ids" -- "$2")
      ;;
    *) mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2") ;;
  esac
}

_llmgw() {
  local cur=${COMP_WORDS[COMP_CWORD]} bin=${COMP_WORDS[0]} command_path="" db="" word value i
  local positionals=0
  [[ $bin == */* && -x $bin ]] || bin=llmgw
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == -* ]]; then
      value=$(_llmgw_value "$word")
      if [[ $value != none ]]; then
        if ((i + 1 == COMP_CWORD)); then
          _llmgw_reply "$value" "$cur" "$bin" "$db"
          return
        fi
        ((i++))
        [[ $word == --db ]] && db=${COMP_WORDS[i]/#\~/$HOME}
      fi
    elif [[ " $(_llmgw_subcommands "$command_path") " == *" $word "* ]]; then
      command_path=${command_path:+$command_path }$word
    else
      ((positionals++))
    fi
  done
  if [[ $cur == -* ]]; then
    _llmgw_reply "$(_llmgw_options "$command_path")" "$cur"
  elif [[ -n $(_llmgw_subcommands "$command_path") ]]; then
    _llmgw_reply "$(_llmgw_subcommands "$command_path")" "$cur"
  elif ((positionals == 0)); then
    _llmgw_reply "$(_llmgw_positional "$command_path")" "$cur" "$bin" "$db"
  fi
}

complete -F _llmgw llmgw
