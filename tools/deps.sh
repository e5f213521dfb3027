#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package hxen needs to build, run its unit tests and
# run its e2e scenarios in the emulated hosts (tests/e2e).  Idempotent and
# fast when nothing is missing.  Run as root (or it prints what is missing).
#
#   tools/deps.sh            install what is missing
#   tools/deps.sh --check    only list what is missing (exit 1 if anything)
#
# Adding a package: append it to the list below, with a word on why.
set -euo pipefail

PACKAGES=(
	# build
	build-essential gcc make pkg-config
	# libraries (see docs/: we use Debian's instead of hand-written code)
	libcunit1-dev		# tests/unit
	libsdl2-dev		# vfb console window
	libvncserver-dev	# vfb over VNC
	zlib1g-dev liblzma-dev libzstd-dev	# kernel/image decompression
	libslirp-dev		# user-mode networking
	# emulated hosts (tests/e2e, docs/testing.md)
	qemu-system-x86		# AMD SVM host: QEMU TCG
	bochs bochsbios vgabios bochs-term	# Intel VMX host: Bochs
	isolinux syslinux-common xorriso	# boot ISO for Bochs
	busybox-static cpio xz-utils		# the emulated host's initramfs
	bsdutils		# script(1): a pty for Bochs' term display
	util-linux procps	# flock, setsid; ps (the harness kills by PID)
)

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

export DEBIAN_FRONTEND=noninteractive

# Package lists older than a day (or absent) are refreshed once.
lists_stale() {
	local f
	f=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1)
	[ -z "$f" ]
}

updated=0
apt_update_once() {
	[ "$updated" = 1 ] && return 0
	echo "deps: apt-get update"
	apt-get update -q >/dev/null
	updated=1
}

# The kernel headers must match the kernel the emulated host boots: the
# current linux-image-amd64, resolved from the metapackage (never a fixed
# ABI number).  The same resolution is in tests/e2e/fetch-kernel.sh.
headers_pkg() {
	apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: *\(linux-headers-[0-9][^ ]*-amd64\)$/\1/p' | head -n1
}

# Prints the packages among "$@" that are not installed (one dpkg call).
missing() {
	local have
	have=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
	       awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }')
	printf '%s\n' "$@" | grep -vxF -f <(printf '%s\n' $have) || true
}

if [ "$check_only" = 0 ] && [ "$(id -u)" = 0 ] && lists_stale; then
	apt_update_once
fi

hdr=$(headers_pkg)
if [ -z "$hdr" ] && [ "$check_only" = 0 ] && [ "$(id -u)" = 0 ]; then
	apt_update_once
	hdr=$(headers_pkg)
fi
[ -n "$hdr" ] || { echo "deps: cannot resolve linux-headers-amd64 (run apt-get update)" >&2; exit 1; }

want=$(missing "${PACKAGES[@]}" "$hdr")
if [ -z "$want" ]; then
	echo "deps: all $(( ${#PACKAGES[@]} + 1 )) packages present ($hdr)"
	exit 0
fi

echo "deps: missing:" $want
if [ "$check_only" = 1 ]; then
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root: sudo tools/deps.sh" >&2
	exit 1
fi

# A fresh machine may have lists that predate the current kernel ABI:
# install failures with old lists get one retry after an update.
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $want; then
	[ "$updated" = 1 ] && exit 1
	apt_update_once
	hdr=$(headers_pkg)
	want=$(missing "${PACKAGES[@]}" "$hdr")
	apt-get install -y -q --no-install-recommends $want
fi
echo "deps: done"
