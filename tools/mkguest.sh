#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the bundled Linux guest: Debian's stock kernel plus a tiny,
# reproducible initramfs (busybox-static from Debian).
#
#   tools/mkguest.sh [OUTDIR]          default OUTDIR: build/guest
#
#   OUTDIR/initramfs.cpio.gz  busybox init; rcS mounts proc/sys/dev, prints
#                             the banner, then a shell runs on hvc0
#                             (respawned), and with a vfb a login prompt on
#                             tty1 (root, no password; docs/gui.md);
#                             `poweroff` and `reboot` work
#                             through busybox init.  With root=/dev/... on
#                             the command line, /init (tools/guest-init.sh)
#                             loads the disk modules, mounts the root disk
#                             and switch_roots to its /sbin/init instead
#   OUTDIR/disk-modules.cpio.gz  the Debian kernel's xen-blkfront, ext4 (and
#                             what they need) and virtio_blk, in
#                             /lib/modules/disk/ with a load order
#   OUTDIR/initramfs-disk.cpio.gz  the two above, concatenated: the ramdisk
#                             for booting a root disk (tools/mkrootfs.sh)
#   OUTDIR/bench.cpio.gz      for `make bench`, if fio is installed: Debian's
#                             fio with its libraries (the unused engines'
#                             ones as stubs, tools/stub-so.sh) and
#                             /bench-init (rdinit=/bench-init: rcS, the disk
#                             modules, then a shell on the console); appended
#                             to initramfs.cpio.gz and disk-modules.cpio.gz
#   OUTDIR/vmlinuz            the kernel tests/e2e/fetch-kernel.sh cached
#                             (the emulated host's own image)
#   OUTDIR/cmdline            the command line the demo and scenarios use
#   OUTDIR/cmdline-disk       the same with root=/dev/xvda (DEMO=debian)
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
trap 'rm -rf "$root" "$root.mods" "$root.bench" "$root.evdev"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc/init.d,mnt}
cp "$bb" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list-full | LC_ALL=C sort); do
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
# /init: the root disk when root= says so, else busybox init (which picks
# the applet from argv[0]: /sbin/init runs "init")
install -m 755 "$top/tools/guest-init.sh" "$root/init"

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
# the vif's xen-netfront (no dependencies either), and udhcpc's script
if [ -n "$kver" ] && [ -e "$kmods/drivers/net/xen-netfront.ko" ]; then
	cp "$kmods/drivers/net/xen-netfront.ko" "$root/lib/modules/"
	strip --strip-debug "$root/lib/modules/xen-netfront.ko"
fi
mkdir -p "$root/etc/udhcpc"
install -m 755 "$top/tools/udhcpc.script" "$root/etc/udhcpc/default.script"

# The graphical console (docs/gui.md): xen-fbfront and xen-kbdfront are
# built into Debian's kernel (=y), fbcon shows tty1; evdev (=m) gives
# /dev/input/event* for the gui scenarios' key checks.
if [ -n "$kver" ] && [ -d "$kmods" ]; then
	"$top/tools/copy-kmods.sh" "$kmods/.." "$root.evdev" evdev ||
		die "cannot copy evdev"
	cp "$root.evdev"/*.ko "$root/lib/modules/"
	rm -rf "$root.evdev"
fi

cat > "$root/etc/inittab" <<'INITTAB'
::sysinit:/etc/init.d/rcS
hvc0::respawn:/bin/sh -l
tty1::respawn:/etc/init.d/tty1
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
INITTAB

# /sbin/hx-insmod FILE: insmod with the module's parameters from the kernel
# command line (MODULE.PARAM=VALUE, '-' and '_' alike), as modprobe does:
# e.g. xen_blkfront.max_indirect_segments=256
cat > "$root/sbin/hx-insmod" <<'HXINSMOD'
#!/bin/sh
set -f	# the command line's words are not file patterns
m=$(basename "$1" .ko | tr - _)
a=
for w in $(cat /proc/cmdline); do
	case $(echo "${w%%.*}" | tr - _) in
	"$m") case $w in *.*=*) a="$a ${w#*.}" ;; esac ;;
	esac
done
exec insmod "$1" $a
HXINSMOD
chmod 755 "$root/sbin/hx-insmod"

cat > "$root/etc/init.d/rcS" <<'RCS'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
for m in /lib/modules/*.ko; do [ -e "$m" ] && hx-insmod "$m"; done
hostname hxen-guest
# a vif: DHCP in the background (tools/udhcpc.script sets address, route, DNS)
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
	echo "hxen-guest: eth0 $(cat /sys/class/net/eth0/address), asking DHCP"
	ip link set eth0 up
	udhcpc -i eth0 -t 5 -T 2 -A 3 </dev/null >/dev/null 2>&1 &
fi
hv=$(cat /sys/hypervisor/type 2>/dev/null || echo none)
echo "hxen-guest: Linux $(uname -r) up, hypervisor $hv, $(nproc) cpu(s)"
RCS
chmod 755 "$root/etc/init.d/rcS"

# a login prompt on tty1 when there is a framebuffer (vfb: fbcon shows
# tty1 in the window or VNC viewer), else nothing to do.  root has no
# password: the console on hvc0 is a root shell without asking anyway.
cat > "$root/etc/init.d/tty1" <<'TTY1'
#!/bin/sh
[ -e /dev/fb0 ] && exec /sbin/getty 38400 tty1 linux
exec sleep 2147483647
TTY1
chmod 755 "$root/etc/init.d/tty1"
printf '%s\n' '' 'hxen-guest (Linux \r) on \l: log in as root, no password' '' \
	> "$root/etc/issue"

cat > "$root/etc/profile" <<'PROFILE'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
PS1='hxen-guest# '
PROFILE
# an empty password field: login(1) asks for none
echo "root::0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# pack DIR OUT: a reproducible gzip'd newc cpio of DIR
pack() {
	find "$1" -exec touch -h -d "@$epoch" {} +
	(cd "$1" && find . -print | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) |
		gzip -9 -n > "$2.tmp"
	mv "$2.tmp" "$2"
}
mkdir -p "$out"
pack "$root" "$out/initramfs.cpio.gz"

# The kernel's modules for a root disk: Xen's block frontend (virtio's for
# checks under plain QEMU, tools/check-rootfs.sh), ext4 and the crc32c it
# checks metadata with.  A second archive: the kernel unpacks both when
# they are concatenated, and the busybox initramfs stays as small as it was.
kernel=$top/build/e2e/kernel
if [ ! -e "$kernel/vmlinuz" ]; then
	BUILD=$top/build "$top/tests/e2e/fetch-kernel.sh" >/dev/null ||
		die "cannot fetch the Debian kernel (tests/e2e/fetch-kernel.sh)"
fi
mroot=$root.mods
mkdir -p "$mroot/lib/modules"
"$top/tools/copy-kmods.sh" "$kernel/modules" "$mroot/lib/modules/disk" \
	xen-blkfront ext4 crc32c_generic crc32c-intel virtio_pci virtio_blk ||
	die "cannot copy the disk modules from $kernel/modules"
pack "$mroot" "$out/disk-modules.cpio.gz"
rm -rf "$mroot"
cat "$out/initramfs.cpio.gz" "$out/disk-modules.cpio.gz" > "$out/initramfs-disk.cpio.gz.tmp"
mv "$out/initramfs-disk.cpio.gz.tmp" "$out/initramfs-disk.cpio.gz"

# fio for the block benchmarks (tests/e2e/bench-inside.sh), as a third
# archive.  Debian's fio links every engine it has: the libraries of the
# ones not used here (rbd, glusterfs, nbd, rdma, pmem: 80 MB with Ceph,
# ICU, GnuTLS...) are replaced by stubs with the same soname.
rm -f "$out/bench.cpio.gz"
if fio=$(command -v fio); then
	broot=$root.bench
	mkdir -p "$broot/usr/bin"
	cp -L "$fio" "$broot/usr/bin/fio"
	# the libraries fio names (readelf), where ldd finds them; a real one
	# comes with what it needs in turn, and the dynamic loader
	libpaths() {	# libpaths FILE: the paths ldd resolves for FILE
		ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p'
	}
	for name in $(readelf -d "$fio" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		lib=$(libpaths "$fio" | grep "/$name\$" | head -n1)
		[ -n "$lib" ] || die "fio needs $name, which ldd does not find"
		case $name in
		librbd.*|librados.*|libgfapi.*|libnbd.*|libibverbs.*|librdmacm.*|libpmem.*|libpmemblk.*)
			"$top/tools/stub-so.sh" "$fio" "$lib" "$broot$(dirname "$lib")" ||
				die "cannot make a stub of $lib for fio"
			continue ;;
		esac
		for l in "$lib" $(libpaths "$lib"); do
			mkdir -p "$broot$(dirname "$l")"
			cp -L "$l" "$broot$l"
		done
	done
	# iperf3 (Debian's) for the network benchmark, with what ldd names,
	# and virtio-net for its QEMU+KVM side
	if ip3=$(command -v iperf3); then
		cp -L "$ip3" "$broot/usr/bin/iperf3"
		for l in $(libpaths "$ip3"); do
			mkdir -p "$broot$(dirname "$l")"
			cp -L "$l" "$broot$l"
		done
	fi
	"$top/tools/copy-kmods.sh" "$kernel/modules" "$broot/lib/modules/net-virtio" \
		virtio_net || die "cannot copy virtio_net from $kernel/modules"
	interp=$(readelf -l "$fio" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
	mkdir -p "$broot$(dirname "$interp")"
	cp -L "$interp" "$broot$interp"
	cat > "$broot/bench-init" <<'BINIT'
#!/bin/sh
# rdinit=/bench-init (make bench): the usual start, the disk modules, then
# a shell on the console for tests/e2e/bench-inside.sh to type into
/etc/init.d/rcS
while read -r m; do
	hx-insmod "/lib/modules/disk/$m.ko" 2>/dev/null
done < /lib/modules/disk/order
while read -r m; do
	insmod "/lib/modules/net-virtio/$m.ko" 2>/dev/null
done < /lib/modules/net-virtio/order
. /etc/profile
echo "hxen-guest: bench shell"
exec /bin/sh
BINIT
	chmod 755 "$broot/bench-init"
	pack "$broot" "$out/bench.cpio.gz"
	rm -rf "$broot"
fi

# The guest kernel: Debian's, as cached by the e2e harness.
cp -L "$kernel/vmlinuz" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"

echo "console=hvc0 earlyprintk=ttyS0 panic=-1 xen.fifo_events=0" > "$out/cmdline"
echo "$(cat "$out/cmdline") root=/dev/xvda ro" > "$out/cmdline-disk"

{
	echo "busybox: $(dpkg-query -W -f='${Package} ${Version}' busybox-static 2>/dev/null || "$bb" | head -n1)"
	echo "kernel: $(cat "$top/build/e2e/kernel/version" 2>/dev/null || echo unknown)"
	echo "SOURCE_DATE_EPOCH: $epoch"
	(cd "$out" && sha256sum initramfs.cpio.gz disk-modules.cpio.gz vmlinuz)
	[ -f "$out/bench.cpio.gz" ] && echo "fio: $(dpkg-query -W -f='${Version}' fio 2>/dev/null)"
} > "$out/manifest"
echo "mkguest: ${out#"$top"/}/initramfs.cpio.gz ($(( $(stat -c %s "$out/initramfs.cpio.gz") / 1024 )) KiB)," \
     "disk-modules.cpio.gz ($(( $(stat -c %s "$out/disk-modules.cpio.gz") / 1024 )) KiB)," \
     "vmlinuz ($(( $(stat -c %s "$out/vmlinuz") / 1024 )) KiB)"
