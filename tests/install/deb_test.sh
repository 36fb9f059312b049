#!/bin/sh
# install: `cpack -G DEB` builds llmgw's .deb: the project's version, Depends from
# dpkg-shlibdeps, every file `cmake --install --prefix /usr` puts in place (binary, systemd
# unit, the environment file as a root-only conffile, man pages, completions, copyright
# and changelog), maintainer scripts that do not enable the unit, no error or warning from
# lintian, and a unit that passes systemd-analyze verify where available.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
source=$2
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$source/tests/install/lib.sh"
command -v dpkg-deb >/dev/null || fail "dpkg-deb not found (apt-get install dpkg)"
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps not found (apt-get install dpkg-dev)"
command -v lintian >/dev/null || fail "lintian not found (apt-get install lintian)"
make_scratch

output=$(cd "$build" && timeout 110 cpack -G DEB --config CPackConfig.cmake -B "$scratch/pkg" 2>&1) ||
  fail "cpack failed: $output"
deb=$(ls "$scratch"/pkg/*.deb 2>/dev/null)
[ "$(printf '%s\n' "$deb" | grep -c '\.deb$')" = 1 ] || fail "expected one .deb, found: '$deb'"
echo "ok: built $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = llmgw ] || fail "Package is '$(field Package)', not llmgw"
[ "$(field Version)" = "$(source_version "$source")" ] ||
  fail "Version is '$(field Version)', not $(source_version "$source") from project()"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] ||
  fail "Architecture is '$(field Architecture)'"
[ "$(field Section)" = net ] || fail "Section is '$(field Section)', not net"
[ -n "$(field Maintainer)" ] || fail "Maintainer is empty"
if [ "$(field Description | head -n 1)" != "self-hosted OpenAI-compatible LLM gateway" ] ||
  [ "$(field Description | grep -c '^ [^ ]')" -lt 2 ]; then
  fail "Description lacks its summary or long text: $(field Description)"
fi
case $(field Depends) in
  *libc6*) echo "ok: Depends: $(field Depends)" ;;
  *) fail "Depends is '$(field Depends)': dpkg-shlibdeps did not run" ;;
esac
[ "$(field Recommends)" = jq ] || fail "Recommends is '$(field Recommends)', not jq (llmgw --jq)"

contents=$(dpkg-deb -c "$deb") || fail "dpkg-deb -c failed"
has() {  # MODE PATH
  printf '%s\n' "$contents" | awk -v mode="$1" -v path="$2" \
    '$1 == mode && $2 == "root/root" && $NF == path { found = 1 } END { exit !found }' ||
    fail "the .deb lacks $2 ($1 root/root); it has:
$contents"
  echo "ok: $1 $2"
}
has -rwxr-xr-x ./usr/bin/llmgw
has -rw-r--r-- ./usr/lib/systemd/system/llmgw.service
has -rw-r--r-- ./usr/share/doc/llmgw/llmgw.env.example
has drwx------ ./etc/llmgw/
has -rw------- ./etc/llmgw/llmgw.env
has -rw-r--r-- ./usr/share/doc/llmgw/copyright
has -rw-r--r-- ./usr/share/doc/llmgw/changelog.gz
has -rw-r--r-- ./usr/share/man/man1/llmgw.1.gz
has -rw-r--r-- ./usr/share/bash-completion/completions/llmgw
has -rw-r--r-- ./usr/share/zsh/vendor-completions/_llmgw
has -rw-r--r-- ./usr/share/fish/vendor_completions.d/llmgw.fish
# The same files as `cmake --install --prefix /usr` (man pages and completions included).
output=$(DESTDIR=$scratch/tree timeout 60 cmake --install "$build" --prefix /usr 2>&1) ||
  fail "cmake --install failed: $output"
installed=$(cd "$scratch/tree" && find . ! -type d | LC_ALL=C sort)
packaged=$(printf '%s\n' "$contents" | awk '$1 !~ /^d/ { print $NF }' | LC_ALL=C sort)
[ "$packaged" = "$installed" ] || fail "the .deb's files differ from cmake --install's:
$(printf '%s\n' "$installed" >"$scratch/i"; printf '%s\n' "$packaged" | diff "$scratch/i" - )"
echo "ok: the .deb has the $(printf '%s\n' "$packaged" | wc -l) files" \
  "cmake --install --prefix /usr puts in place"

# Maintainer scripts: daemon-reload, but no enable (the gateway needs credentials first).
dpkg-deb -e "$deb" "$scratch/control" || fail "dpkg-deb -e failed"
for script in postinst prerm postrm; do
  [ -x "$scratch/control/$script" ] || fail "the .deb has no executable $script"
  sh -n "$scratch/control/$script" || fail "$script is not valid sh"
done
grep -q 'daemon-reload' "$scratch/control/postinst" || fail "postinst does not daemon-reload"
[ "$(cat "$scratch/control/conffiles")" = /etc/llmgw/llmgw.env ] ||
  fail "conffiles is '$(cat "$scratch/control/conffiles")', not /etc/llmgw/llmgw.env"
! grep -q 'systemctl.* enable' "$scratch/control/postinst" || fail "postinst enables the unit"
echo "ok: postinst, prerm, postrm, conffiles"

# Every error and warning fails (the overrides, each with its reason, are in
# packaging/debian/llmgw.lintian-overrides); the changelog's version is the package's.
output=$(timeout 120 lintian --fail-on error,warning --tag-display-limit 0 "$deb" \
  2>"$scratch/lintian.err") ||
  fail "lintian: $output $(cat "$scratch/lintian.err")"
echo "ok: lintian has no error or warning${output:+:
$output}"

dpkg-deb -x "$deb" "$scratch/x" || fail "dpkg-deb -x failed"
changelog_version=$(gzip -dc "$scratch/x/usr/share/doc/llmgw/changelog.gz" |
  sed -n '1s/^llmgw (\([^)]*\)).*/\1/p')
[ "$changelog_version" = "$(field Version)" ] ||
  fail "the changelog's latest version is '$changelog_version', not $(field Version)"
grep -qx 'License: Apache-2.0' "$scratch/x/usr/share/doc/llmgw/copyright" ||
  fail "the copyright file does not name Apache-2.0"
cmp -s "$scratch/x/etc/llmgw/llmgw.env" "$source/packaging/llmgw.env.example" ||
  fail "etc/llmgw/llmgw.env differs from packaging/llmgw.env.example"
echo "ok: changelog $changelog_version, copyright, etc/llmgw/llmgw.env"
version=$(HOME=$scratch "$scratch/x/usr/bin/llmgw" version 2>&1) ||
  fail "the packaged llmgw does not run: $version"
echo "ok: packaged llmgw version: $version"
unit=$scratch/x/usr/lib/systemd/system/llmgw.service
check_unit_keys "$unit"
verify_unit "$unit" "$scratch/x/usr/bin/llmgw"
echo "PASS"
