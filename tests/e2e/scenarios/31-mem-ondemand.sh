#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest RAM on demand (docs/kmod.md): a 512 MiB Linux guest costs the host
# what it touched, not 512 MiB.  After boot, the guest writes 64 MiB into
# its RAM-backed root file system: the monitor's RSS must grow by about
# that much and stay near what the guest uses (MemTotal - MemFree, plus
# pages it freed during boot) plus the monitor's own overhead.
# e2e-timeout: 300
. /e2e/lib.sh
. /e2e/linux-lib.sh

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$LX_PID/status"
}

# used_kb TAG: MemTotal - MemFree in the guest, from a tagged answer
used_kb() {
	tr -d '\r' < "$LX_OUT" | awk -v t="$1" '$1 == t { print $2 - $3 }' | tail -n1
}

LX_APPEND=quiet
LX_MEM=512M
lx_boot
pins=$(pins_held)
lx_send 'echo "@@M0 $(awk "/^MemTotal/ {t=\$2} /^MemFree/ {f=\$2} END {print t, f}" /proc/meminfo)"'
lx_wait '^@@M0 ' 30 || { lx_show; lx_stop; fail "no answer from the shell"; }
r0=$(rss_kb)
u0=$(used_kb @@M0)
lx_send 'head -c 67108864 /dev/zero > /big; sync; echo "@@M1 $(awk "/^MemTotal/ {t=\$2} /^MemFree/ {f=\$2} END {print t, f}" /proc/meminfo)"'
lx_wait '^@@M1 ' $((120 * E2E_SCALE)) || { lx_show; lx_stop; fail "the guest did not write 64 MiB"; }
r1=$(rss_kb)
u1=$(used_kb @@M1)
# 2 MiB nested leaves over the host's transparent huge pages (the npt:
# line of the module's debugfs file, kmod/hx_mmu_audit.c)
[ -d /sys/kernel/debug/hxen ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
npt=$(grep -h '^npt:' /sys/kernel/debug/hxen/vm*-"$LX_PID" 2>/dev/null)
case $npt in *" 0 differ"*" 0 writable"*" 0 over nothing"*) ;; *)
	sleep 1
	npt2=$npt
	npt=$(grep -h '^npt:' /sys/kernel/debug/hxen/vm*-"$LX_PID" 2>/dev/null) ;;
esac
thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
note "THP $thp; $npt"
note "monitor RSS: $((r0 / 1024)) MiB after boot (guest uses $((u0 / 1024)) MiB), $((r1 / 1024)) MiB after writing 64 MiB (guest uses $((u1 / 1024)) MiB); pinned pages while running: $pins"
lx_send poweroff
lx_finish 60 || { lx_show 20; fail "the monitor did not exit after poweroff"; }
[ "$LX_RC" = 0 ] || fail "hxen-monitor exited with status $LX_RC"

# with THP on, the SVM backend (NPT has 2 MiB pages) makes some
case "$E2E_HOST $thp" in
"svm always"|"svm madvise")
	case $npt in *" 0 made"*|"") fail "no 2 MiB nested leaf over THP-backed guest RAM: $npt" ;; esac ;;
esac
# (a leaf that changed during the walk shows up once: the second read)
case $npt in *" 0 differ"*" 0 writable"*" 0 over nothing"*) ;; *) fail "the guest and the monitor saw different memory: ${npt2:-$npt}; then $npt" ;; esac
[ -n "$r0" ] && [ -n "$r1" ] && [ -n "$u1" ] || fail "no RSS or meminfo figures ($r0 $r1 $u1)"
# Nothing is pinned: guest RAM and the grant table's frames are mapped
# on demand (docs/kmod.md).
[ "$pins" -eq 0 ] || fail "$pins pages pinned while the guest runs"
# The write is seen (the guest may reuse pages it freed during boot, so
# not all 64 MiB need be new), and the total stays far below 512 MiB.
[ $((r1 - r0)) -ge $((32 * 1024)) ] || fail "RSS grew by only $(((r1 - r0) / 1024)) MiB for 64 MiB written"
[ "$r1" -le $((u1 + 96 * 1024)) ] ||
	fail "RSS $((r1 / 1024)) MiB is more than the guest's $((u1 / 1024)) MiB in use + 96 MiB"
[ "$r1" -lt $((300 * 1024)) ] || fail "RSS $((r1 / 1024)) MiB for a 512 MiB guest that touched ~$((u1 / 1024)) MiB"
exit 0
