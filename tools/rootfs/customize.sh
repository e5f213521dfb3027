#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mmdebstrap --customize-hook of tools/mkrootfs.sh: configures the Debian
# root disk of the bundled guest (docs/guest.md).  $1 is the new root;
# HXEN_KMODS (the kernel's lib/modules/VERSION) and HXEN_KVER come from
# mkrootfs.sh.  Runs as (fake) root: the files it makes belong to root.
set -eu

root=$1
: "${HXEN_KMODS:?set by tools/mkrootfs.sh}" "${HXEN_KVER:?set by tools/mkrootfs.sh}"

echo hxen-debian > "$root/etc/hostname"
cat > "$root/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
127.0.1.1	hxen-debian
::1		localhost ip6-localhost ip6-loopback
HOSTS

# The first Xen virtual disk; the guest's initramfs mounts it (root=).
cat > "$root/etc/fstab" <<'FSTAB'
# <file system>	<mount point>	<type>	<options>		<dump>	<pass>
/dev/xvda	/		ext4	errors=remount-ro	0	1
FSTAB

# A test image: root logs in on the console without a password, and the
# serial gettys (hvc0, which systemd's getty generator starts for
# console=hvc0, and ttyS0) log root in by themselves.
chroot "$root" passwd -d root >/dev/null
mkdir -p "$root/etc/systemd/system/serial-getty@.service.d"
cat > "$root/etc/systemd/system/serial-getty@.service.d/autologin.conf" <<'AUTO'
# hxen test image (tools/rootfs/customize.sh): root without a password
[Service]
ExecStart=
ExecStart=-/sbin/agetty -o '-p -f -- \\u' --keep-baud --autologin root 115200,57600,38400,9600 - $TERM
AUTO

# Non-interactive tests: with hxen.test=check on the kernel command line,
# hxen-test.service waits for the boot to finish, prints one line
# "@@HXEN-TEST state=STATE ..." (and one per failed unit) on the console,
# then powers off; hxen.test=report prints and stays up.
cat > "$root/usr/local/sbin/hxen-test" <<'TEST'
#!/bin/sh
# hxen test image: report the boot on the console (hxen-test.service)
mode=$(sed -n 's/.*hxen\.test=\([^ ]*\).*/\1/p' /proc/cmdline)
state=$(systemctl is-system-running --wait)
echo "@@HXEN-TEST state=$state kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime) root=$(findmnt -no SOURCE,FSTYPE,OPTIONS /)"
systemctl --failed --no-legend --plain | sed 's/^/@@HXEN-TEST failed /'
systemd-analyze 2>/dev/null | sed -n '1s/^/@@HXEN-TEST /p'
[ "$mode" = check ] && exec systemctl poweroff
exit 0
TEST
chmod 755 "$root/usr/local/sbin/hxen-test"
cat > "$root/etc/systemd/system/hxen-test.service" <<'UNIT'
[Unit]
Description=hxen test report (hxen.test= on the kernel command line)
ConditionKernelCommandLine=hxen.test
After=multi-user.target

[Service]
# simple, not oneshot: the boot must be able to finish while it waits
Type=simple
ExecStart=/usr/local/sbin/hxen-test
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
UNIT
chroot "$root" systemctl enable hxen-test.service >/dev/null 2>&1
chroot "$root" systemctl set-default multi-user.target >/dev/null 2>&1

# The guest kernel's modules that a Xen guest can use (file systems,
# block and Xen frontends, crypto, libraries), so that udev and systemd
# load what they look for (autofs4, xen-netfront, ...); depmod from the
# image's own kmod.
mdir=$root/lib/modules/$HXEN_KVER
mkdir -p "$mdir/kernel/drivers/net" "$mdir/kernel/drivers/input/misc" \
	"$mdir/kernel/drivers/video/fbdev" "$mdir/kernel/arch/x86"
for d in fs crypto lib net/ipv4 net/ipv6 net/netfilter net/packet net/unix arch/x86/crypto \
	 drivers/block drivers/xen drivers/virtio drivers/char/hw_random; do
	[ -d "$HXEN_KMODS/kernel/$d" ] || continue
	mkdir -p "$mdir/kernel/$d"
	cp -R --preserve=mode,timestamps "$HXEN_KMODS/kernel/$d/." "$mdir/kernel/$d/"
done
for f in drivers/net/xen-netfront.ko drivers/input/misc/xen-kbdfront.ko \
	 drivers/video/fbdev/xen-fbfront.ko; do
	[ -f "$HXEN_KMODS/kernel/$f" ] && cp --preserve=mode,timestamps "$HXEN_KMODS/kernel/$f" "$mdir/kernel/$f"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$HXEN_KMODS/$f" ] && cp --preserve=mode,timestamps "$HXEN_KMODS/$f" "$mdir/"
done
chroot "$root" depmod "$HXEN_KVER"

# A fresh machine id on first boot (each clone of the image its own).
# The file is read-only: replaced, so that this works as a user too
# (mmdebstrap's fakechroot mode).
rm -f "$root/etc/machine-id"
: > "$root/etc/machine-id"
chmod 444 "$root/etc/machine-id"
