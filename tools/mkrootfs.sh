#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian 12 root disk of the bundled guest (make rootfs;
# docs/guest.md): a raw, sparse ext4 image made from this machine's own apt
# sources with mmdebstrap, without loop mounts (mke2fs -d).
#
#   tools/mkrootfs.sh [OUTDIR]          default OUTDIR: build/rootfs
#
#   OUTDIR/rootfs.img   raw ext4, label hxen-root, boots with root=/dev/xvda
#                       (tools/mkguest.sh's initramfs mounts it)
#   OUTDIR/manifest     the key, sizes, and every package with its version
#   OUTDIR/key          what the image was built from (hash)
#   OUTDIR/rootfs.cpio.gz  with HXEN_ROOTFS_CPIO=1: the same files as a
#                       gzip'd cpio, zero-padded to 512 bytes, for booting
#                       the userland from a ramdisk (rdinit=/sbin/init;
#                       69-debian-ramdisk, a check without a block backend)
#
# Cached: the image is rebuilt only when the key changes: the package list,
# the suite, the kernel version (its modules are in the image), the apt
# sources and this script or tools/rootfs/ (HXEN_ROOTFS_FORCE=1 rebuilds).
# About 45 s and ~300 MB of downloads the first time.
#
# Works as root (mmdebstrap's root mode) and as a user (mmdebstrap's unshare
# or fakechroot mode; the image is then made under fakeroot).
#
# Environment: HXEN_ROOTFS_SUITE (bookworm), HXEN_ROOTFS_SIZE (MiB; default
# from the contents), HXEN_ROOTFS_INCLUDE (extra packages, comma separated),
# HXEN_ROOTFS_SOURCES (an apt sources file to use instead of the machine's).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
[[ "$build" = /* ]] || build=$top/$build
out=${1:-$build/rootfs}
[[ "$out" = /* ]] || out=$PWD/$out
suite=${HXEN_ROOTFS_SUITE:-bookworm}

die() { echo "mkrootfs: $*" >&2; exit 1; }

# What the image holds: systemd as init, udev, dbus (logind needs it), and
# what tests use: kmod (modprobe), procps (ps), util-linux, e2fsprogs (fsck).
packages=systemd-sysv,udev,dbus,kmod,procps,util-linux,e2fsprogs
[ -n "${HXEN_ROOTFS_INCLUDE:-}" ] && packages=$packages,$HXEN_ROOTFS_INCLUDE

for t in mmdebstrap:mmdebstrap mke2fs:e2fsprogs depmod:kmod tar:tar; do
	command -v "${t%%:*}" >/dev/null ||
		die "${t%%:*} missing: apt-get install ${t#*:} (or: sudo tools/deps.sh rootfs)"
done
fakeroot=()
if [ "$(id -u)" != 0 ]; then
	command -v fakeroot >/dev/null ||
		die "as a user this needs fakeroot: apt-get install fakeroot (or run as root)"
	fakeroot=(fakeroot --)
fi

# The kernel the guest boots (tests/e2e/fetch-kernel.sh): its modules go
# into the image, so that udev and systemd find what they load (autofs4,
# xen-netfront, ...).
kcache=$build/e2e/kernel
if [ ! -f "$kcache/version" ]; then
	BUILD=$build "$top/tests/e2e/fetch-kernel.sh" >/dev/null ||
		die "cannot fetch the Debian kernel (tests/e2e/fetch-kernel.sh)"
fi
kver=$(cat "$kcache/version")
kmods=$kcache/modules
[ -d "$kmods/kernel" ] || die "$kmods/kernel missing: rerun tests/e2e/fetch-kernel.sh"

# The machine's own apt sources, Debian's archive only (third-party
# repositories are left out).  mmdebstrap pastes each file into the
# image's sources.list(.d).
sources=()
if [ -n "${HXEN_ROOTFS_SOURCES:-}" ]; then
	[ -f "$HXEN_ROOTFS_SOURCES" ] || die "HXEN_ROOTFS_SOURCES=$HXEN_ROOTFS_SOURCES: no such file"
	sources=("$HXEN_ROOTFS_SOURCES")
else
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		grep -qE '^[^#]*(debian\.org|debian-archive-keyring|/debian(-security)?/?( |$))' "$f" &&
			sources+=("$f")
	done
	[ ${#sources[@]} -gt 0 ] ||
		die "no Debian archive in /etc/apt/sources.list{,.d}; set HXEN_ROOTFS_SOURCES=FILE"
fi

key=$({
	echo "suite=$suite packages=$packages kernel=$kver"
	cat "${sources[@]}" "$0" "$top"/tools/rootfs/*
} | sha256sum | cut -c1-16)
img=$out/rootfs.img
cpio=${HXEN_ROOTFS_CPIO:-0}
if [ "${HXEN_ROOTFS_FORCE:-0}" != 1 ] && [ -f "$img" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ] &&
   { [ "$cpio" != 1 ] || [ -f "$out/rootfs.cpio.gz" ]; }; then
	echo "mkrootfs: ${img#"$top"/} is up to date (key $key)"
	exit 0
fi

mkdir -p "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$SECONDS
echo "mkrootfs: mmdebstrap $suite ($packages) from ${sources[*]}"
# Documentation, man pages and translations are left out (path-exclude):
# the image is for booting and tests.
HXEN_KMODS=$kmods HXEN_KVER=$kver \
mmdebstrap --variant=minbase --include="$packages" \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--customize-hook="$top/tools/rootfs/customize.sh" \
	"$suite" "$work/rootfs.tar" "${sources[@]}" ||
	die "mmdebstrap failed (its messages are above): a download error wants the network and 'apt-get update'; as a user it needs /etc/subuid (unshare mode) or fakechroot"
t1=$SECONDS

# tar -> directory -> ext4 in one (fake)root session, so that owners, modes
# and device nodes reach the image; no mount, no loop device.
mb=$(( $(stat -c %s "$work/rootfs.tar") / 1048576 ))
size=${HXEN_ROOTFS_SIZE:-$(( (mb * 5 / 4 + 64 + 15) / 16 * 16 ))}
rm -f "$work/rootfs.img"
# shellcheck disable=SC2016
"${fakeroot[@]}" sh -ec '
	mkdir "$1/root"
	tar -C "$1/root" --numeric-owner -xpf "$1/rootfs.tar"
	rm "$1/rootfs.tar"
	mke2fs -q -F -t ext4 -T default -b 4096 -i 8192 -m 1 -L hxen-root \
		-E root_owner=0:0 -d "$1/root" "$1/rootfs.img" "$2M"
	dpkg-query --admindir="$1/root/var/lib/dpkg" -W -f="\${Package} \${Version}\n" > "$1/packages"
	if [ "$3" = 1 ]; then
		(cd "$1/root" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet) |
			gzip -1 > "$1/rootfs.cpio.gz"
		truncate -s %512 "$1/rootfs.cpio.gz"
	fi
' mkrootfs "$work" "$size" "$cpio" || die "mke2fs -d failed (see above)"
e2fsck -fn "$work/rootfs.img" >/dev/null || die "e2fsck finds errors in the new image"

{
	echo "key: $key"
	echo "suite: $suite"
	echo "kernel modules: $kver"
	echo "size: $size MiB ($(( $(du -k "$work/rootfs.img" | cut -f1) / 1024 )) MiB allocated)"
	echo "packages ($(wc -l < "$work/packages")):"
	sed 's/^/  /' "$work/packages"
} > "$work/manifest"
mv "$work/rootfs.img" "$img"
rm -f "$out/rootfs.cpio.gz"
[ "$cpio" = 1 ] && mv "$work/rootfs.cpio.gz" "$out/rootfs.cpio.gz"
mv "$work/manifest" "$out/manifest"
echo "$key" > "$out/key"
echo "mkrootfs: ${img#"$top"/}: $size MiB, $(( $(du -k "$img" | cut -f1) / 1024 )) MiB allocated," \
     "$(sed -n 's/^packages (\(.*\)):/\1/p' "$out/manifest") packages" \
     "(mmdebstrap $((t1 - t0)) s, image $((SECONDS - t1)) s)"
