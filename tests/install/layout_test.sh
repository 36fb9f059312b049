#!/bin/sh
# install: `cmake --install BUILD --prefix /usr` into a DESTDIR puts every file where a
# Debian system looks for it, and every file the install manifest lists exists.
# Usage: layout_test.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
source=$2
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$source/tests/install/lib.sh"
make_scratch
root=$scratch/root

output=$(DESTDIR=$root timeout 60 cmake --install "$build" --prefix /usr 2>&1) ||
  fail "cmake --install failed: $output"

# The binary, runnable from where it landed.
[ -x "$root/usr/bin/llmgw" ] || fail "usr/bin/llmgw is missing or not executable"
version=$(HOME=$scratch "$root/usr/bin/llmgw" version 2>&1) || fail "llmgw version failed: $version"
case $version in
  *"$(source_version "$source")"*) echo "ok: usr/bin/llmgw version: $version" ;;
  *) fail "llmgw version printed '$version', not version $(source_version "$source")" ;;
esac

# The unit, where the cache says (lib/systemd/system by default), naming this prefix.
unitdir=$(sed -n 's/^LLMGW_SYSTEMD_UNITDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
case $unitdir in
  /*) unit=$root$unitdir/llmgw.service ;;
  *) unit=$root/usr/${unitdir:-lib/systemd/system}/llmgw.service ;;
esac
[ -f "$unit" ] || fail "${unit#"$root"} is missing"
echo "ok: ${unit#"$root"}"
check_unit_keys "$unit"
! grep -q '@[A-Z_]*@' "$unit" || fail "unit has unreplaced @VARIABLES@: $(grep '@[A-Z_]*@' "$unit")"
verify_unit "$unit" "$root/usr/bin/llmgw"

[ -f "$root/usr/share/doc/llmgw/llmgw.env.example" ] ||
  fail "usr/share/doc/llmgw/llmgw.env.example is missing"
echo "ok: usr/share/doc/llmgw/llmgw.env.example"

# The environment file under the /usr prefix: /etc/llmgw/llmgw.env, root-only, and never
# replaced by a later install (it may hold credentials by then).
[ "$(stat -c %a "$root/etc/llmgw")" = 700 ] || fail "etc/llmgw is not mode 0700"
[ "$(stat -c %a "$root/etc/llmgw/llmgw.env")" = 600 ] ||
  fail "etc/llmgw/llmgw.env is not mode 0600"
cmp -s "$root/etc/llmgw/llmgw.env" "$source/packaging/llmgw.env.example" ||
  fail "etc/llmgw/llmgw.env differs from packaging/llmgw.env.example"
echo "OPENAI_API_KEY=edited" >"$root/etc/llmgw/llmgw.env"
output=$(DESTDIR=$root timeout 60 cmake --install "$build" --prefix /usr 2>&1) ||
  fail "cmake --install, again, failed: $output"
[ "$(cat "$root/etc/llmgw/llmgw.env")" = OPENAI_API_KEY=edited ] ||
  fail "a second cmake --install replaced an edited etc/llmgw/llmgw.env"
echo "ok: etc/llmgw/llmgw.env, 0600 in a 0700 folder, kept by a second install"

# Generic: every file the install manifest lists (without DESTDIR) is there.
manifest=$build/install_manifest.txt
[ -s "$manifest" ] || fail "no install manifest at $manifest"
count=0
while IFS= read -r file || [ -n "$file" ]; do
  [ -e "$root$file" ] || fail "the manifest lists $file, which is not in DESTDIR"
  count=$((count + 1))
done <"$manifest"
echo "ok: all $count files of the install manifest exist"

# Man pages, when the source tree has them, land in the standard places.
for page in "$source"/man/*.[1-8]; do
  [ -f "$page" ] || continue
  name=$(basename "$page")
  section=${name##*.}
  [ -f "$root/usr/share/man/man$section/$name" ] || [ -f "$root/usr/share/man/man$section/$name.gz" ] ||
    fail "man/$name is not installed in usr/share/man/man$section (no install rule?)"
  echo "ok: usr/share/man/man$section/$name"
done
# SHELL FILE: the completion script is installed as FILE, and it is what the installed
# binary's `llmgw completion SHELL` prints.
check_completion() {
  [ -f "$root/usr/share/$2" ] || fail "usr/share/$2 is missing"
  HOME=$scratch "$root/usr/bin/llmgw" completion "$1" | cmp -s - "$root/usr/share/$2" ||
    fail "usr/share/$2 is not what 'llmgw completion $1' prints"
  echo "ok: $1 completion: usr/share/$2"
}
check_completion bash bash-completion/completions/llmgw
check_completion zsh zsh/vendor-completions/_llmgw
check_completion fish fish/vendor_completions.d/llmgw.fish
echo "PASS"
