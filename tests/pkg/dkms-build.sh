#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module source that make install hands to DKMS builds hxen.ko:
# installs into a temporary DESTDIR, then "dkms add" and "dkms build -k
# VER --kernelsourcedir KDIR" with a temporary DKMS tree (nothing under
# /var/lib/dkms or /lib/modules is touched; modules are not signed), and
# checks hxen.ko's vermagic.  About 50 s on 2 busy cores.
#
#   KDIR=/usr/src/linux-headers-VER tests/pkg/dkms-build.sh
#
# KDIR defaults to kmod/build.mk's choice (make pkg-check passes it).
# Without headers or dkms it says so and exits 0 (SKIP).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
: "${VERSION:?}" "${BUILD:=build}" "${KDIR:=}"

skip() { echo "dkms-build: SKIP: $*"; exit 0; }
fail() { echo "dkms-build: FAIL: $*" >&2; exit 1; }

command -v dkms >/dev/null || skip "dkms not installed (tools/deps.sh e2e)"
[ -n "$KDIR" ] && [ -f "$KDIR/Makefile" ] || skip "no kernel headers (KDIR='$KDIR')"
# The kernel release the headers are for (Debian's kernel.release holds
# the upstream version; UTS_RELEASE is the one modules must match).
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h" 2>/dev/null)
[ -n "$kver" ] || fail "no UTS_RELEASE in $KDIR/include/generated/utsrelease.h"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
${MAKE:-make} --no-print-directory -s install DESTDIR="$root" PREFIX=/usr >/dev/null

dk() {
	dkms "$@" --dkmstree "$tmp/dkms" --sourcetree "$root/usr/src" \
		--installtree "$tmp/modules"
}
mkdir -p "$tmp/dkms" "$tmp/modules"
t0=$(date +%s)
dk add -m hxen -v "$VERSION" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "dkms add"; }
# sign_file: a missing signing tool makes dkms skip signing (no MOK key).
if ! sign_file=$tmp/no-sign-file dk build -m hxen -v "$VERSION" -k "$kver" \
		--kernelsourcedir "$KDIR" -j 2 >>"$tmp/log" 2>&1; then
	cat "$tmp/log"
	cat "$tmp/dkms/hxen/$VERSION/build/make.log" 2>/dev/null || true
	fail "dkms build -k $kver"
fi
ko=$tmp/dkms/hxen/$VERSION/$kver/$(uname -m)/module/hxen.ko
[ -f "$ko" ] || { cat "$tmp/log"; fail "dkms build made no $ko"; }
magic=$(modinfo -F vermagic "$ko")
[ "${magic%% *}" = "$kver" ] || fail "hxen.ko vermagic '$magic', wanted $kver"
[ "$(modinfo -F version "$ko")" = "$VERSION" ] ||
	fail "hxen.ko version $(modinfo -F version "$ko"), wanted $VERSION"
echo "dkms-build: ok: hxen.ko $VERSION for $kver ($(($(date +%s) - t0)) s)"
