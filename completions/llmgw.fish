# fish completion for llmgw. Subcommands and options are listed here; key, model and
# provider ids are asked from the binary (`llmgw __complete keys|models|providers`), with
# the --db given on the line.

function __llmgw_subcommands
    switch "$argv[1]"
        case ''
            echo init version key providers provider catalog models model usage logs backup doctor serve
        case key
            echo create list show update enable disable delete rm roll rule check
        case 'key rule'
            echo list add delete rm enable disable clear
        case provider
            echo set
        case catalog
            echo export import reset
        case model
            echo add update delete rm
        case logs
            echo prune
    end
end

function __llmgw_options
    set -l rule --allow-model --deny-model --allow-provider --deny-provider --free-only \
        --paid-only --max-input-price --max-output-price --deny-free --deny-paid --allow-ip \
        --deny-ip --force
    set -l traffic --rpm --rpd --tpm --max-parallel
    set -l mapping --name --provider --upstream-model --input-price --output-price \
        --cached-input-price --cache-write-price --cache-write-1h-price --long-context-above \
        --long-context-input-price --long-context-output-price --no-long-context --context-size \
        --max-output-tokens --streaming --no-streaming
    echo --help --help-all --db --json --jq --no-headers
    switch "$argv[1]"
        case 'key create' 'key update' 'key enable' 'key disable' 'key delete' 'key rm' \
            'key roll' 'key rule add' 'key rule delete' 'key rule rm' 'key rule enable' \
            'key rule disable' 'key rule clear' 'provider set' 'catalog import' 'catalog reset' \
            'model add' 'model update' 'model delete' 'model rm'
            echo --dry-run
    end
    switch "$argv[1]"
        case 'key delete' 'key rm' 'key roll' 'key rule clear' 'catalog import' \
            'catalog reset' 'model delete' 'model rm'
            echo -- -y --yes
    end
    switch "$argv[1]"
        case ''
            echo -- -V --version
        case 'key create'
            echo -- -d --description --limit --period-limit --period --expires $traffic $rule
        case 'key list'
            echo --all
        case 'key update'
            echo -- -d --description --limit --period-limit --period --expires $traffic \
                --no-limit --no-period-limit --no-expires --no-rpm --no-rpd --no-tpm \
                --no-max-parallel
        case 'key enable'
            echo --expires
        case 'key delete' 'key rm' 'key rule delete' 'key rule rm'
            echo --if-exists
        case 'key rule add'
            echo $rule --type --value
        case 'key check'
            echo -- -m --model --ip
        case 'provider set'
            echo --name --base-url --kind --api-key-env --enable --disable --responses --no-responses
        case 'catalog import'
            echo --replace
        case models
            echo --provider --free
        case 'model add' 'model update'
            echo $mapping
        case 'model delete' 'model rm'
            echo --provider
        case serve
            echo --listen --threads --max-body --upstream-connect-timeout --upstream-timeout \
                --drain-timeout --header-timeout --body-timeout --error-format --access-log \
                --ca-file --trusted-proxy
        case usage
            echo --key --since --until --by --csv
        case logs
            echo -- --key --model --status --endpoint --since -n --limit -f --follow
        case 'logs prune'
            echo --older-than --dry-run
        case backup
            echo --force
    end
end

# What the first positional argument of a command is: keys, models, providers or file.
function __llmgw_positional
    switch "$argv[1]"
        case 'key show' 'key update' 'key enable' 'key disable' 'key delete' 'key rm' \
            'key roll' 'key check' 'key rule *'
            echo keys
        case 'model update' 'model delete' 'model rm'
            echo models
        case 'provider set'
            echo providers
        case 'catalog import' backup
            echo file
    end
end

# What an option's value is: none (a flag), text, file, keys, models, providers, or the
# list of words it takes.
function __llmgw_value
    switch "$argv[1]"
        case -m --model --allow-model --deny-model
            echo models
        case --provider --allow-provider --deny-provider
            echo providers
        case --key
            echo keys
        case --db --ca-file
            echo file
        case --by
            echo key model provider day hour
        case --error-format
            echo auto reference openai
        case --access-log
            echo on off
        case --kind
            echo openai anthropic
        case --endpoint
            echo /v1/chat/completions /v1/embeddings /v1/messages /v1/responses
        case -d --description -n --limit --period-limit --period --expires --rpm --rpd --tpm \
            --max-parallel --max-input-price \
            --max-output-price --type --value --name --base-url --api-key-env \
            --upstream-model --input-price --output-price --cached-input-price --cache-write-price \
            --cache-write-1h-price --long-context-above --long-context-input-price \
            --long-context-output-price \
            --context-size --max-output-tokens --listen --threads --max-body \
            --upstream-connect-timeout --upstream-timeout --drain-timeout --header-timeout \
            --body-timeout --trusted-proxy --allow-ip --deny-ip --ip --since --until \
            --status --older-than --jq
            echo text
        case '*'
            echo none
    end
end

# __llmgw_reply <what> <current token> <binary> <db>
function __llmgw_reply
    switch "$argv[1]"
        case none text
        case file
            __fish_complete_path "$argv[2]"
        case keys models providers
            set -l db
            test -n "$argv[4]"; and set db --db $argv[4]
            $argv[3] $db __complete $argv[1] 2>/dev/null
        case '*'
            string split ' ' -- $argv[1]
    end
end

function __llmgw_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l bin $words[1]
    string match -q '*/*' -- $bin; and test -x $bin; or set bin llmgw
    set -l command_path ''
    set -l db ''
    set -l positionals 0
    set -l count (count $words)
    set -l i 2
    while test $i -le $count
        set -l word $words[$i]
        if string match -q -- '-*' $word
            set -l value (__llmgw_value $word)
            if test "$value" != none
                if test $i -eq $count
                    __llmgw_reply "$value" "$cur" $bin "$db"
                    return
                end
                set i (math $i + 1)
                test $word = --db; and set db $words[$i]
            end
        else if contains -- $word (string split ' ' -- (__llmgw_subcommands "$command_path"))
            set command_path (string trim -- "$command_path $word")
        else
            set positionals (math $positionals + 1)
        end
        set i (math $i + 1)
    end
    set -l subcommands (__llmgw_subcommands "$command_path")
    if string match -q -- '-*' "$cur"
        string split ' ' -- (__llmgw_options "$command_path")
    else if test -n "$subcommands"
        string split ' ' -- $subcommands
    else if test $positionals -eq 0
        __llmgw_reply (__llmgw_positional "$command_path") "$cur" $bin "$db"
    end
end

complete -c llmgw -f -a '(__llmgw_complete)'
