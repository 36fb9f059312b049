#!/bin/sh
# install: `cpack -G DEB` builds llmgw's .deb: the project's version, Depends from
# dpkg-shlibdeps, every file `cmake --install --prefix /usr` puts in place (binary, systemd
# unit, example environment file, man pages, completions), maintainer scripts that do not
# enable the unit, and a unit that passes systemd-analyze verify where available.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
source=$2
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$source/tests/install/lib.sh"
command -v dpkg-deb >/dev/null || fail "dpkg-deb not found (apt-get install dpkg)"
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps not found (apt-get install dpkg-dev)"
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
# The same files as `cmake --install --prefix /usr` (man pages and completions included).
output=$(DESTDIR=$scratch/tree timeout 60 cmake --install "$build" --prefix /usr 2>&1) ||
  fail "cmake --install failed: $output"
installed=$(cd "$scratch/tree" && find . ! -type d | LC_ALL=C sort)
packaged=$(printf '%s\n' "$contents" | awk '$1 !~ /^d/ { print $NF }' | LC_ALL=C sort)
[ "$packaged" = "$installed" ] || fail "the .deb's files differ from cmake --install's:
$(printf '%s\n' "$installed" >"$scratch/i"; printf '%s\n' "$packaged" | diff "$scratch/i" - )"
echo "ok: the .deb has the $(printf '%s\n' "$packaged" | wc -l) files cmake --install puts under /usr"

# Maintainer scripts: daemon-reload, but no enable (the gateway needs credentials first).
dpkg-deb -e "$deb" "$scratch/control" || fail "dpkg-deb -e failed"
for script in postinst prerm postrm; do
  [ -x "$scratch/control/$script" ] || fail "the .deb has no executable $script"
  sh -n "$scratch/control/$script" || fail "$script is not valid sh"
done
grep -q 'daemon-reload' "$scratch/control/postinst" || fail "postinst does not daemon-reload"
! grep -q 'systemctl.* enable' "$scratch/control/postinst" || fail "postinst enables the unit"
echo "ok: postinst, prerm, postrm"

dpkg-deb -x "$deb" "$scratch/x" || fail "dpkg-deb -x failed"
version=$(HOME=$scratch "$scratch/x/usr/bin/llmgw" version 2>&1) ||
  fail "the packaged llmgw does not run: $version"
echo "ok: packaged llmgw version: $version"
unit=$scratch/x/usr/lib/systemd/system/llmgw.service
check_unit_keys "$unit"
verify_unit "$unit" "$scratch/x/usr/bin/llmgw"
echo "PASS"
