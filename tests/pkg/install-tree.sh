#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall into a temporary DESTDIR: the exact file
# list, modes and links, a program built against the installed libhxen
# with pkg-config, and nothing left after uninstall.  Also checks that the
# version numbers kept in several files agree with the Makefile's VERSION.
# A few seconds; part of make pkg-check (make check).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
: "${VERSION:?}" "${BUILD:=build}"
make=${MAKE:-make}

fail() { echo "install-tree: FAIL: $*" >&2; exit 1; }

# One release number everywhere (tools/debian/changelog is checked by
# tools/install/mkdeb.sh too).
check_version() {
	local what=$1 got=$2
	[ "$got" = "$VERSION" ] || fail "$what says '$got', the Makefile's VERSION is $VERSION"
}
check_version kmod/hx_main.c "$(sed -n 's/^#define HX_MODULE_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/hx_main.c)"
check_version tools/cli_info.c "$(sed -n 's/^#define HXEN_CLI_VERSION[[:space:]]*"\(.*\)"/\1/p' tools/cli_info.c)"
check_version include/hxen/libhxen.h "$(awk '/^#define HXEN_LIB_VERSION_(MAJOR|MINOR|PATCH)/ { v = v (v == "" ? "" : ".") $3 } END { print v }' include/hxen/libhxen.h)"
for m in docs/man/*.[1-8]; do
	check_version "$m" "$(sed -n 's/^\.TH .* "hxen \([0-9][^"]*\)".*/\1/p' "$m")"
done
check_version tools/debian/changelog "$(sed -n '1s/^hxen (\([^)]*\)).*/\1/p' tools/debian/changelog)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

# What must be there: PREFIX=/usr/local.
{
	p=/usr/local
	src=/usr/src/hxen-$VERSION
	printf '%s\n' "$p/bin/hxen" "$p/bin/hxen-monitor" \
		"$p/lib/libhxen.so.$VERSION" "$p/lib/libhxen.so.0" "$p/lib/libhxen.so" \
		"$p/include/hxen/hxen.h" "$p/include/hxen/libhxen.h" \
		"$p/lib/pkgconfig/hxen.pc" \
		/etc/udev/rules.d/60-hxen.rules /etc/modules-load.d/hxen.conf \
		"$src/dkms.conf" "$src/kmod/Kbuild" "$src/include/hxen/hxen.h"
	for m in docs/man/*.[1-8]; do
		echo "$p/share/man/man${m##*.}/${m##*/}"
	done
	git ls-files --cached --others --exclude-standard 'kmod/*.[chS]' 'kmod/xen/*.[ch]' |
		sed "s|^|$src/|"
} | sort > "$tmp/want"

$make --no-print-directory -s install DESTDIR="$dest" >/dev/null
(cd "$dest" && find . ! -type d | sed 's/^\.//' | sort) > "$tmp/got"
diff -u "$tmp/want" "$tmp/got" >&2 || fail "make install: file list differs (- wanted, + got)"

u=$dest/usr/local
[ "$(readlink "$u/lib/libhxen.so")" = libhxen.so.0 ] || fail "libhxen.so link"
[ "$(readlink "$u/lib/libhxen.so.0")" = "libhxen.so.$VERSION" ] || fail "libhxen.so.0 link"
soname=$(readelf -d "$u/lib/libhxen.so.$VERSION" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libhxen.so.0 ] || fail "SONAME '$soname'"
for f in bin/hxen bin/hxen-monitor; do
	[ "$(stat -c %a "$u/$f")" = 755 ] || fail "$f mode $(stat -c %a "$u/$f")"
done
[ "$(stat -c %a "$u/lib/libhxen.so.$VERSION")" = 644 ] || fail "libhxen.so mode"
grep -qx 'KERNEL=="hxen", SUBSYSTEM=="misc", GROUP="hxen", MODE="0660"' \
	"$dest/etc/udev/rules.d/60-hxen.rules" || fail "udev rule"
grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$dest/usr/src/hxen-$VERSION/dkms.conf" ||
	fail "dkms.conf PACKAGE_VERSION"
! grep -rq @ "$u/lib/pkgconfig/hxen.pc" "$dest/usr/src/hxen-$VERSION/dkms.conf" ||
	fail "unsubstituted @VARIABLE@ left"

# A program using the installed library, found through pkg-config.
cat > "$tmp/prog.c" <<'PROG'
#include <stdio.h>
#include <hxen/libhxen.h>

int main(void)
{
	struct hxen hx;
	int r = hxen_open(&hx, "/nonexistent/hxen");

	printf("%s %d\n", hxen_lib_version(), r);
	return 0;
}
PROG
export PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$u/lib/pkgconfig
[ "$(pkg-config --modversion hxen)" = "$VERSION" ] || fail "pkg-config --modversion hxen"
# shellcheck disable=SC2046
${CC:-cc} -Wall -Werror -o "$tmp/prog" "$tmp/prog.c" $(pkg-config --cflags --libs hxen)
readelf -d "$tmp/prog" | grep -q 'NEEDED.*\[libhxen.so.0\]' || fail "prog does not need libhxen.so.0"
out=$(LD_LIBRARY_PATH=$u/lib "$tmp/prog")
[ "$out" = "$VERSION (ABI $(sed -n 's/^#define HXEN_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' include/hxen/hxen.h)) -2" ] ||
	fail "prog printed '$out'"

# Again on top (a reinstall), with a stale file in the module source.
touch "$dest/usr/src/hxen-$VERSION/kmod/stale.c"
$make --no-print-directory -s install DESTDIR="$dest" >/dev/null
(cd "$dest" && find . ! -type d | sed 's/^\.//' | sort) > "$tmp/got"
diff -u "$tmp/want" "$tmp/got" >&2 || fail "reinstall: file list differs"

$make --no-print-directory -s uninstall DESTDIR="$dest" >/dev/null
if [ -e "$dest" ]; then
	left=$(cd "$dest" && find . -mindepth 1)
	[ -z "$left" ] || fail "make uninstall left: $left"
fi

# PREFIX=/usr (the Debian packages): udev's own directory.
$make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
[ -f "$dest/lib/udev/rules.d/60-hxen.rules" ] && [ -f "$dest/usr/lib/modules-load.d/hxen.conf" ] &&
	[ -x "$dest/usr/bin/hxen" ] || fail "PREFIX=/usr layout"
$make --no-print-directory -s uninstall DESTDIR="$dest" PREFIX=/usr >/dev/null
[ ! -e "$dest" ] || [ -z "$(cd "$dest" && find . -mindepth 1)" ] || fail "PREFIX=/usr uninstall left files"

echo "install-tree: ok: $(wc -l < "$tmp/want") files installed and removed"
