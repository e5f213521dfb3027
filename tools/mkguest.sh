#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the bundled Linux guest: Debian's stock kernel plus a tiny,
# reproducible initramfs (busybox-static from Debian).
#
#   tools/mkguest.sh [OUTDIR]          default OUTDIR: build/guest
#
#   OUTDIR/initramfs.cpio.gz  busybox init; /init -> busybox, rcS mounts
#                             proc/sys/dev, prints the banner, then a shell
#                             runs on hvc0 (respawned); `poweroff` and
#                             `reboot` work through busybox init
#   OUTDIR/vmlinuz            the kernel tests/e2e/fetch-kernel.sh cached
#                             (the emulated host's own image)
#   OUTDIR/cmdline            the command line the demo and scenarios use
#   OUTDIR/manifest           versions and checksums
#
# Reproducible: every file gets mtime SOURCE_DATE_EPOCH (default: a fixed
# date), the cpio is sorted with owner 0:0, gzip stores no name or time;
# the same busybox gives the same bytes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/guest}
[[ "$out" = /* ]] || out=$PWD/$out
epoch=${SOURCE_DATE_EPOCH:-1704067200}	# 2024-01-01T00:00:00Z
bb=${BUSYBOX:-/bin/busybox}

die() { echo "mkguest: $*" >&2; exit 1; }

[ -x "$bb" ] || die "$bb missing: apt-get install busybox-static (tools/deps.sh)"
ldd "$bb" >/dev/null 2>&1 && die "$bb is dynamically linked: install busybox-static"
command -v cpio >/dev/null || die "cpio missing: apt-get install cpio"

root=$(mktemp -d "${TMPDIR:-/tmp}/hxen-guest.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc/init.d,mnt}
cp "$bb" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list-full | LC_ALL=C sort); do
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
# busybox picks the applet from argv[0]: /init runs "init"
ln -s /bin/busybox "$root/init"

# Xen frontends Debian builds as modules (=m), loaded by rcS: the virtual
# disk's xen-blkfront (no dependencies), from the kernel the e2e harness
# cached (tests/e2e/fetch-kernel.sh)
kver=$(cat "$top/build/e2e/kernel/version" 2>/dev/null || true)
kmods=$top/build/e2e/kernel/root/lib/modules/$kver/kernel
mkdir -p "$root/lib/modules"
if [ -n "$kver" ] && [ -e "$kmods/drivers/block/xen-blkfront.ko" ]; then
	cp "$kmods/drivers/block/xen-blkfront.ko" "$root/lib/modules/"
	strip --strip-debug "$root/lib/modules/xen-blkfront.ko"
fi

cat > "$root/etc/inittab" <<'INITTAB'
::sysinit:/etc/init.d/rcS
hvc0::respawn:/bin/sh -l
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
INITTAB

cat > "$root/etc/init.d/rcS" <<'RCS'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
for m in /lib/modules/*.ko; do [ -e "$m" ] && insmod "$m"; done
hostname hxen-guest
hv=$(cat /sys/hypervisor/type 2>/dev/null || echo none)
echo "hxen-guest: Linux $(uname -r) up, hypervisor $hv, $(nproc) cpu(s)"
RCS
chmod 755 "$root/etc/init.d/rcS"

cat > "$root/etc/profile" <<'PROFILE'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
PS1='hxen-guest# '
PROFILE
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

mkdir -p "$out"
find "$root" -exec touch -h -d "@$epoch" {} +
(cd "$root" && find . -print | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9 -n > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"

# The guest kernel: Debian's, as cached by the e2e harness.
kernel=$top/build/e2e/kernel/vmlinuz
if [ ! -e "$kernel" ]; then
	BUILD=$top/build "$top/tests/e2e/fetch-kernel.sh" >/dev/null ||
		die "cannot fetch the Debian kernel (tests/e2e/fetch-kernel.sh)"
fi
cp -L "$kernel" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"

echo "console=hvc0 earlyprintk=ttyS0 panic=-1 xen.fifo_events=0" > "$out/cmdline"

{
	echo "busybox: $(dpkg-query -W -f='${Package} ${Version}' busybox-static 2>/dev/null || "$bb" | head -n1)"
	echo "kernel: $(cat "$top/build/e2e/kernel/version" 2>/dev/null || echo unknown)"
	echo "SOURCE_DATE_EPOCH: $epoch"
	(cd "$out" && sha256sum initramfs.cpio.gz vmlinuz)
} > "$out/manifest"
echo "mkguest: ${out#$top/}/initramfs.cpio.gz ($(( $(stat -c %s "$out/initramfs.cpio.gz") / 1024 )) KiB)," \
     "vmlinuz ($(( $(stat -c %s "$out/vmlinuz") / 1024 )) KiB)"
