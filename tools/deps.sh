#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages hxen needs: to build it, to build hxen.ko, to
# run its unit tests and its e2e scenarios in the emulated hosts
# (tests/e2e), and to package it.  Idempotent, and quick when nothing is
# missing.  As root it installs; as anyone else it says what is missing and
# the command to run, and fails.
#
#   tools/deps.sh [--check] [GROUP...]
#
#   GROUP: build (compilers, libraries), kmod (headers of the running kernel
#   where Debian has them), e2e (emulators, busybox, the headers of the
#   kernel the emulated host boots; includes rootfs), rootfs (mmdebstrap,
#   e2fsprogs: the Debian root disk, make rootfs), deb (debhelper,
#   dh-dkms, lintian), all (default: build e2e).  --check only lists what is missing (exit 1 if
#   anything is).
#
# Adding a package: append it to the group below, with a word on why.
set -euo pipefail

BUILD_PKGS=(
	build-essential gcc make pkg-config
	# libraries (see docs/: we use Debian's instead of hand-written code)
	libcunit1-dev		# tests/unit
	libsdl2-dev		# vfb console window
	libvncserver-dev	# vfb over VNC
	zlib1g-dev liblzma-dev libzstd-dev	# kernel/image decompression;
				# zlib: compressed qcow2 clusters
	libslirp-dev		# user-mode networking
	liburing-dev		# disk images: asynchronous I/O (io_uring)
	qemu-utils		# tests/unit: qemu-img checks hxen's qcow2 images
	libpng-dev		# hxen screenshot: PNG files of the vfb
)
E2E_PKGS=(
	qemu-system-x86		# AMD SVM host: QEMU TCG
	bochs bochsbios vgabios bochs-term	# Intel VMX host: Bochs
	isolinux syslinux-common xorriso	# boot ISO for Bochs
	busybox-static cpio xz-utils		# the emulated host's initramfs
	bsdutils		# script(1): a pty for Bochs' term display
	util-linux procps	# flock, setsid; ps (the harness kills by PID)
	dkms			# make install registers the module source
	fio			# make bench: block throughput inside the guest
	iperf3			# make bench: network throughput, guest and host
	xvfb xdotool x11-apps	# the SDL window under a headless X server (make sdl-check,
				# 82-gui-sdl): Xvfb, keys and lookup, xwd screenshots
	libx11-dev		# tests/sdl/xclose.c: a window manager's close button
)
# The Debian root disk of the bundled guest (make rootfs, tools/mkrootfs.sh)
ROOTFS_PKGS=(
	mmdebstrap		# the root file system from the apt sources
	e2fsprogs		# mke2fs -d: the ext4 image without a loop mount
	kmod			# depmod for the kernel modules in the image
	fakeroot fakechroot	# as a user: owners, device nodes, mmdebstrap's fakechroot mode
	qemu-system-x86		# make rootfs-check boots it under plain QEMU
)
DEB_PKGS=(
	dpkg-dev debhelper dh-dkms dkms lintian fakeroot
)

check_only=0
groups=()
for a in "$@"; do
	case $a in
	--check) check_only=1 ;;
	-h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	build|kmod|e2e|rootfs|deb) groups+=("$a") ;;
	all) groups+=(build e2e) ;;
	*) echo "deps: unknown group '$a' (build, kmod, e2e, rootfs, deb, all)" >&2; exit 2 ;;
	esac
done
[ ${#groups[@]} -gt 0 ] || groups=(build e2e)

export DEBIAN_FRONTEND=noninteractive
root=0
[ "$(id -u)" = 0 ] && root=1

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
	if ! apt-get update -q >/dev/null; then
		echo "deps: apt-get update failed: check the network and /etc/apt/sources.list," \
		     "then run 'sudo tools/deps.sh' again" >&2
		exit 1
	fi
	updated=1
}

# The kernel headers must match the kernel the emulated host boots: the
# current linux-image-amd64, resolved from the metapackage (never a fixed
# ABI number).  The same resolution is in tests/e2e/fetch-kernel.sh.
headers_pkg() {
	apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: *\(linux-headers-[0-9][^ ]*-amd64\)$/\1/p' | head -n1
}

# Headers of the running kernel, if Debian has a package for it (a
# machine running Debian's kernel); nothing otherwise.
running_headers_pkg() {
	local p=linux-headers-$(uname -r)
	[ -d "/lib/modules/$(uname -r)/build" ] && return 0
	apt-cache show "$p" >/dev/null 2>&1 && echo "$p"
	return 0
}

# Prints the packages among "$@" that are not installed (one dpkg call).
missing() {
	local have
	have=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
	       awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }')
	printf '%s\n' "$@" | grep -vxF -f <(printf '%s\n' $have) || true
}

if [ "$check_only" = 0 ] && [ "$root" = 1 ] && lists_stale; then
	apt_update_once
fi

# The package list of the groups asked for.
wanted() {
	local g hdr
	for g in "${groups[@]}"; do
		case $g in
		build) printf '%s\n' "${BUILD_PKGS[@]}" ;;
		deb) printf '%s\n' "${DEB_PKGS[@]}" ;;
		rootfs) printf '%s\n' "${ROOTFS_PKGS[@]}" ;;
		kmod) running_headers_pkg ;;
		e2e)
			# the Debian root disk too: run.sh builds it for the
			# scenarios that boot it (tests/e2e/disk.sh)
			printf '%s\n' "${E2E_PKGS[@]}" "${ROOTFS_PKGS[@]}"
			hdr=$(headers_pkg)
			if [ -z "$hdr" ]; then
				echo "deps: cannot resolve linux-headers-amd64 from the apt lists;" \
				     "run 'sudo apt-get update' (or 'sudo tools/deps.sh')" >&2
				return 1
			fi
			echo "$hdr" ;;
		esac
	done | sort -u
}

if ! pkgs=$(wanted) && [ "$root" = 1 ] && [ "$check_only" = 0 ]; then
	apt_update_once
	pkgs=$(wanted)
fi
[ -n "$pkgs" ] || exit 1
# shellcheck disable=SC2086
want=$(missing $pkgs)
if [ -z "$want" ]; then
	echo "deps: all $(echo "$pkgs" | wc -l) packages present (${groups[*]})"
	exit 0
fi

if [ "$check_only" = 1 ] || [ "$root" = 0 ]; then
	{
		echo "deps: these Debian packages are missing:" $want
		if [ "$check_only" = 0 ]; then
			echo "deps: install them as root, then run this again:"
			echo "deps:     sudo tools/deps.sh${*:+ $*}"
		fi
	} >&2
	exit 1
fi

# Installs "$@"; on failure, names the packages still missing and what to
# do.  A fresh machine may have lists that predate the current kernel ABI,
# so the first failure with old lists gets one retry after an update.
install() {
	# shellcheck disable=SC2068
	apt-get install -y -q --no-install-recommends $@
}
echo "deps: installing:" $want
# shellcheck disable=SC2086
if ! install $want; then
	if [ "$updated" = 0 ]; then
		apt_update_once
		pkgs=$(wanted) || exit 1
		# shellcheck disable=SC2086
		want=$(missing $pkgs)
		install $want && { echo "deps: done"; exit 0; }
	fi
	# shellcheck disable=SC2086
	left=$(missing $pkgs)
	echo "deps: could not install:" $left >&2
	echo "deps: apt-get could not fetch or install them (see its messages above):" \
	     "check the network and the apt sources, run 'sudo apt-get update'," \
	     "then 'sudo tools/deps.sh' again" >&2
	exit 1
fi
echo "deps: done"
