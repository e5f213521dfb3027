#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The X11 kit of the SDL window scenario (82-gui-sdl) for the emulated
# host, whose initramfs is busybox only: Xvfb (with xkbcomp and the XKB
# data it compiles keymaps from), xdotool, xwd, libSDL2 (the monitor
# dlopen()s it), every shared library `ldd` names for them, and
# tests/sdl's xwd-probe and xclose.  Too big for the initramfs every
# scenario boots (~30 MB), it reaches the host as a disk (disk.sh,
# "# e2e-disk: x11"): a plain cpio the scenario unpacks with `cpio -i`
# from the block device, no file system module needed.
#
#   tests/e2e/mkx11.sh BUILD     writes BUILD/e2e/x11.cpio (cached)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: mkx11.sh BUILD}
out=$build/e2e/x11.cpio
die() { echo "mkx11: $*" >&2; exit 1; }

make -s -C "$top" BUILD="$build" sdl-test-bins >&2 || die "cannot build tests/sdl's tools"
sdl=$(ldconfig -p | sed -n 's/.*libSDL2-2.0.so.0 (libc6,x86-64) => //p' | head -n1)
progs=()
for p in Xvfb xkbcomp xdotool xwd; do
	progs+=("$(command -v $p)") || die "$p missing (sudo tools/deps.sh e2e)"
done
[ -n "$sdl" ] || die "libSDL2-2.0.so.0 missing (libsdl2-2.0-0)"
[ -d /usr/share/X11/xkb ] || die "/usr/share/X11/xkb missing (xkb-data)"

# up to date: newer than every input
if [ -f "$out" ]; then
	stale=0
	for f in "${progs[@]}" "$sdl" "$build/tests/sdl/xwd-probe" \
		 "$build/tests/sdl/xclose" "$0"; do
		[ "$f" -nt "$out" ] && stale=1
	done
	[ $stale = 0 ] && { echo "$out"; exit 0; }
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/hxen-x11.XXXXXX")
trap 'rm -rf "$root"' EXIT
copy() {	# copy FILE: at its own path, symlinks followed
	[ -e "$root$1" ] && return 0
	mkdir -p "$root$(dirname "$1")"
	cp -L "$1" "$root$1"
}
with_libs() {
	copy "$1"
	for lib in $(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p'); do
		copy "$lib"
	done
}
for p in "${progs[@]}" "$sdl"; do
	with_libs "$p"
done
# the monitor dlopen()s it by its SONAME: the loader's default path
mkdir -p "$root/usr/lib/x86_64-linux-gnu"
[ -e "$root/usr/lib/x86_64-linux-gnu/libSDL2-2.0.so.0" ] ||
	cp -L "$sdl" "$root/usr/lib/x86_64-linux-gnu/libSDL2-2.0.so.0"
mkdir -p "$root/usr/share/X11" "$root/usr/bin"
cp -a /usr/share/X11/xkb "$root/usr/share/X11/"
[ -d /usr/share/X11/locale ] && cp -a /usr/share/X11/locale "$root/usr/share/X11/"
install -m 755 "$build/tests/sdl/xwd-probe" "$build/tests/sdl/xclose" "$root/usr/bin/"
with_libs "$build/tests/sdl/xclose"
# Xvfb's compiled keymaps
mkdir -p "$root/var/lib/xkb"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out.tmp"
# whole sectors: a disk is read in 512-byte blocks
truncate -s %4096 "$out.tmp"
mv "$out.tmp" "$out"
echo "mkx11: ${out#$top/} ($(( $(stat -c %s "$out") / 1024 )) KiB)" >&2
echo "$out"
