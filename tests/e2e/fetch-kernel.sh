#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the Debian kernel that the emulated host boots, and point the
# module build at the matching headers.
#
#   tests/e2e/fetch-kernel.sh [FLAVOUR]      FLAVOUR: amd64 (default),
#                                            cloud-amd64, rt-amd64
#
# The version is resolved from the metapackages (linux-image-FLAVOUR ->
# linux-image-6.1.0-NN-FLAVOUR); Debian moves NN forward over time, so it is
# never hard-coded.  Results (cached per version, second run is instant):
#
#   build/e2e/cache/<ver>/linux-image-<ver>_*.deb   the package itself
#   build/e2e/cache/<ver>/root/                     its files (dpkg-deb -x)
#   build/e2e/kernel -> cache/<ver>                 the current one
#   build/e2e/kernel/vmlinuz, version, System.map
#   build/e2e/kdir                                  headers path (KDIR)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
[[ "$build" = /* ]] || build=$top/$build
out=${E2E_OUT:-$build/e2e}
flavour=${1:-${E2E_FLAVOUR:-amd64}}

die() { echo "fetch-kernel: $*" >&2; exit 1; }

# "Depends: linux-image-6.1.0-56-amd64" -> 6.1.0-56-amd64
resolve() {
	local meta=$1 prefix=$2 dep
	dep=$(apt-cache depends "$meta" 2>/dev/null |
	      sed -n "s/^ *Depends: *${prefix}\([0-9][^ ]*-${flavour}\)\$/\1/p" |
	      head -n1)
	[ -n "$dep" ] || die "cannot resolve $meta from the apt lists; run 'tools/deps.sh' (as root) first"
	echo "$dep"
}

ver=$(resolve "linux-image-$flavour" linux-image-)
hver=$(resolve "linux-headers-$flavour" linux-headers-)
[ "$ver" = "$hver" ] ||
	die "linux-image-$flavour wants $ver but linux-headers-$flavour wants $hver; run 'apt-get update'"

kdir=/usr/src/linux-headers-$ver
[ -f "$kdir/Makefile" ] ||
	die "headers for $ver missing ($kdir); run 'tools/deps.sh' (as root) to install linux-headers-$ver"

dir=$out/cache/$ver
if [ ! -f "$dir/.done" ]; then
	mkdir -p "$dir"
	rm -rf "$dir/root" "$dir"/*.deb
	echo "fetch-kernel: downloading linux-image-$ver"
	(cd "$dir" && apt-get download -q "linux-image-$ver") ||
		die "apt-get download linux-image-$ver failed (network? stale lists: run 'apt-get update')"
	deb=$(ls "$dir"/linux-image-"$ver"_*.deb)
	dpkg-deb -x "$deb" "$dir/root"
	[ -f "$dir/root/boot/vmlinuz-$ver" ] || die "$deb has no boot/vmlinuz-$ver"
	ln -sf "root/boot/vmlinuz-$ver" "$dir/vmlinuz"
	ln -sf "root/boot/System.map-$ver" "$dir/System.map"
	ln -sf "root/lib/modules/$ver" "$dir/modules"
	echo "$ver" > "$dir/version"
	touch "$dir/.done"
fi

ln -sfn "cache/$ver" "$out/kernel"
echo "$kdir" > "$out/kdir.tmp" && mv "$out/kdir.tmp" "$out/kdir"
echo "fetch-kernel: $ver (vmlinuz: ${out#$top/}/kernel/vmlinuz, KDIR=$kdir)"
