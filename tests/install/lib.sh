# Shared by the install tests: failure reporting, a bounded temporary folder, and a
# check of llmgw.service's keys that needs nothing but awk.

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A temporary folder removed on exit.
make_scratch() {
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/llmgw-install-test.XXXXXX") || fail "mktemp"
  trap 'rm -rf "$scratch"' EXIT
}

# The version in the source tree's project() call: what the package must carry.
source_version() {
  sed -n 's/^project(llmgw VERSION \([0-9.]*\).*/\1/p' "$1/CMakeLists.txt"
}

# Checks the unit file $1 by parsing it into Section.Key=Value lines (comments and
# blank lines dropped); each line of the expected list must be there, and the numeric
# limits must hold. Runs whether or not systemd-analyze exists.
check_unit_keys() {
  unit=$1
  parsed=$(awk '
    /^[ \t]*([#;].*)?$/ { next }
    /^\[.*\]$/ { section = substr($0, 2, length($0) - 2); next }
    {
      eq = index($0, "=")
      if (eq == 0) { print "UNPARSED:" $0; next }
      print section "." substr($0, 1, eq - 1) "=" substr($0, eq + 1)
    }' "$unit")
  if printf '%s\n' "$parsed" | grep -q '^UNPARSED:'; then
    fail "$unit has lines that are not Key=Value: $(printf '%s\n' "$parsed" | grep '^UNPARSED:')"
  fi
  missing=""
  while IFS= read -r line; do
    printf '%s\n' "$parsed" | grep -qxF -- "$line" || missing="$missing
  $line"
  done <<'EXPECTED'
Unit.After=network.target
Service.ExecStart=/usr/bin/llmgw serve
Service.Environment=LLMGW_DB=/var/lib/llmgw/llmgw.db
Service.Environment=LLMGW_LISTEN=127.0.0.1:8080
Service.EnvironmentFile=-/etc/llmgw/llmgw.env
Service.DynamicUser=yes
Service.StateDirectory=llmgw
Service.UMask=0077
Service.KillSignal=SIGTERM
Service.Restart=on-failure
Service.NoNewPrivileges=yes
Service.ProtectSystem=strict
Service.ProtectHome=yes
Service.PrivateTmp=yes
Service.PrivateDevices=yes
Service.ProtectKernelTunables=yes
Service.ProtectKernelModules=yes
Service.ProtectKernelLogs=yes
Service.ProtectControlGroups=yes
Service.RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
Service.RestrictNamespaces=yes
Service.LockPersonality=yes
Service.MemoryDenyWriteExecute=yes
Service.RestrictRealtime=yes
Service.SystemCallArchitectures=native
Service.SystemCallFilter=@system-service
Service.CapabilityBoundingSet=
Install.WantedBy=multi-user.target
EXPECTED
  [ -z "$missing" ] || fail "$unit lacks:$missing"
  # Longer than serve's default 30s drain, so systemd does not SIGKILL a drain.
  stop=$(printf '%s\n' "$parsed" | sed -n 's/^Service\.TimeoutStopSec=\([0-9]*\)s\{0,1\}$/\1/p')
  if [ -z "$stop" ] || [ "$stop" -le 30 ]; then
    fail "$unit: TimeoutStopSec must be over 30 seconds"
  fi
  nofile=$(printf '%s\n' "$parsed" | sed -n 's/^Service\.LimitNOFILE=\([0-9]*\)$/\1/p')
  if [ -z "$nofile" ] || [ "$nofile" -lt 16384 ]; then
    fail "$unit: LimitNOFILE must be at least 16384"
  fi
  echo "ok: the unit has the expected keys"
}

# systemd-analyze verify on the unit $1, whose ExecStart= binary is at $2 rather than at
# its installed path. Any output (an unknown key, a bad value) is a failure, since verify
# only warns about those. Without systemd-analyze, says so: the key check still ran.
verify_unit() {
  unit=$1
  binary=$2
  if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIPPED: systemd-analyze verify (systemd-analyze not installed; apt-get install systemd);" \
      "the unit's keys were checked by the parser only"
    return 0
  fi
  mkdir -p "$scratch/verify"
  sed "s|^ExecStart=/usr/bin/llmgw |ExecStart=$binary |" "$unit" >"$scratch/verify/llmgw.service"
  output=$(timeout 30 systemd-analyze verify --man=no "$scratch/verify/llmgw.service" 2>&1) ||
    fail "systemd-analyze verify failed: $output"
  [ -z "$output" ] || fail "systemd-analyze verify warned: $output"
  echo "ok: systemd-analyze verify passes"
  # The sandboxing as systemd rates it: 0 (locked down) to 10 (exposed).
  output=$(timeout 30 systemd-analyze security --offline=yes --threshold=25 \
    "$scratch/verify/llmgw.service" 2>&1) ||
    fail "systemd-analyze security rates the unit above 2.5: $(printf '%s\n' "$output" | tail -1)"
  echo "ok: systemd-analyze security: $(printf '%s\n' "$output" | tail -1 | sed 's/^→ //')"
}
