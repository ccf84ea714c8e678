#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a user of the installed library gets: `meson install` into a staging
# directory (DESTDIR) under the build's prefix, then: every file lands
# inside the prefix (the Wireshark plugin too), pkg-config works and its
# --cflags need no glib, the library has a soname and exports only mpf_*
# symbols, the public header is clean C99 and C++ and carries the
# project's version, the man page is there, the installed mpflow runs
# from the prefix with no LD_LIBRARY_PATH (its rpath), and the README's
# API example compiles against the installed files and runs from there.
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# what meson test sets for the build tree must not help the installed files
unset LD_LIBRARY_PATH

prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
meson install -C "$build" --destdir "$tmp" --no-rebuild --quiet >/dev/null
root="$tmp$prefix"
outside=$(cd "$tmp" && find . ! -type d | sed 's|^\.||' | grep -v "^$prefix/" || true)
[ -z "$outside" ] || fail "installed outside the prefix $prefix: $outside"
echo "prefix $prefix: $(cd "$tmp" && find . ! -type d | wc -l) files, all inside"

pc=$(find "$tmp" -name mpflow.pc | head -n 1)
[ -n "$pc" ] || fail "mpflow.pc not installed"
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$tmp"
cflags=$(pkg-config --cflags mpflow) || fail "pkg-config --cflags mpflow"
case "$cflags" in *glib*) fail "pkg-config --cflags mpflow names glib: $cflags";; esac
libs=$(pkg-config --libs mpflow) || fail "pkg-config --libs mpflow"
echo "pkg-config: $cflags $libs"

so=$(find "$tmp" -name 'libmpflow.so.*.*' | head -n 1)
[ -n "$so" ] || fail "libmpflow.so not installed"
readelf -d "$so" | grep -q 'SONAME.*\[libmpflow\.so\.0\]' || fail "soname is not libmpflow.so.0"
bad=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
	sed 's/@.*//' | grep -v '^mpf_[a-z]' || true)
[ -z "$bad" ] || fail "exported symbols outside mpf_*: $bad"
nm -D --defined-only "$so" | grep -q ' T mpf_ctx_feed' || fail "mpf_ctx_feed not exported"
find "$tmp" -name mpflow.1 | grep -q . || fail "man page not installed"

# the installed mpflow starts from the prefix: its rpath finds the
# installed library, not the build's
bin="$root/bin/mpflow"
[ -x "$bin" ] || fail "mpflow not installed in $root/bin"
ldd "$bin" | grep -q "libmpflow.so.0 => $root/" ||
	fail "mpflow does not load the installed library: $(ldd "$bin" | grep libmpflow)"
"$bin" summary "$src/tests/data/kernel/v1-3paths-signal-loss/capture.pcap" >"$tmp/summary" ||
	fail "the installed mpflow failed"
grep -q 'token 76b27e7a' "$tmp/summary" || fail "the installed mpflow's summary"

hdr=$(find "$tmp" -name mpflow.h | head -n 1)
[ -n "$hdr" ] || fail "mpflow.h not installed"
printf '#include <mpflow.h>\nint main(void) { return mpf_ctx_new(0) == 0; }\n' >"$tmp/h.c"
cc -std=c99 -pedantic -Wall -Wextra -Werror $cflags -c "$tmp/h.c" -o "$tmp/h.o" ||
	fail "mpflow.h is not clean C99"
# the header's version is the library's
printf '#include <mpflow.h>\n#include <stdio.h>\nint main(void) { printf("%%d.%%d.%%d", MPF_VERSION_MAJOR, MPF_VERSION_MINOR, MPF_VERSION_MICRO); return !MPF_CHECK_VERSION(0, 2, 0); }\n' >"$tmp/v.c"
cc $cflags "$tmp/v.c" -o "$tmp/v" && [ "$("$tmp/v")" = "$(pkg-config --modversion mpflow)" ] ||
	fail "MPF_VERSION_* is not the installed version $(pkg-config --modversion mpflow)"
if command -v c++ >/dev/null 2>&1; then
	cp "$tmp/h.c" "$tmp/h.cc"
	c++ -std=c++11 -pedantic -Wall -Wextra -Werror $cflags -c "$tmp/h.cc" -o "$tmp/hc.o" ||
		fail "mpflow.h is not clean C++"
fi

# the README's example, exactly as printed there
awk '/<!-- api-example -->/ {on=1; next} on && /^```c/ {code=1; next}
     code && /^```/ {exit} code {print}' "$src/README.md" >"$tmp/example.c"
[ -s "$tmp/example.c" ] || fail "no API example in README.md"
# as the README says to build against a prefix: with its libdir as rpath
cc -Wall -Wextra -Werror $cflags "$tmp/example.c" -o "$tmp/example" $libs -lpcap \
	-Wl,-rpath,"$(dirname "$so")" ||
	fail "the README example does not compile"
"$tmp/example" \
	"$src/tests/data/kernel/v1-3paths-signal-loss/capture.pcap" >"$tmp/out" ||
	fail "the README example failed"
cat "$tmp/out"
grep -q 'connection 0: client token 76b27e7a, 3 subflows' "$tmp/out" || fail "example output"
grep -q 'connection 1: client token 9b4010d6, 3 subflows' "$tmp/out" || fail "example output"
echo "install test passed"
