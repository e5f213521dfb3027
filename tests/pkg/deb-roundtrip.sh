#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb-check (after make deb): installs the packages in build/deb/
# with apt, checks what they set up, purges them and checks that nothing
# of theirs is left.  Root only; changes the machine while it runs (meant
# for throwaway and CI machines).  About two minutes with make deb and
# lintian, most of it the DKMS build in hxen-dkms' postinst.
#
#   1. lintian on the .changes: no E: (tags are printed);
#   2. apt-get install ./hxen ./hxen-dkms ./libhxen0 ./libhxen-dev;
#   3. group hxen, udev rule, the programs run, pkg-config finds libhxen,
#      DKMS has built and installed hxen.ko for every kernel in
#      /lib/modules that has its headers (build/);
#   4. apt-get purge: no file of theirs, no /usr/src/hxen-*, no
#      /var/lib/dkms/hxen, no hxen.ko under /lib/modules.
#
# The group hxen survives the purge by design (docs/install.md); this
# script deletes it afterwards if it created it, the DKMS signing key
# dkms made for the build (/var/lib/dkms/mok.*) if there was none before,
# and the depmod indexes (modules.dep, ...) DKMS's depmod wrote in a
# /lib/modules/VER that had none (a kernel with headers but no image, as
# on the machines here; a real kernel's package owns them).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
: "${VERSION:?}" "${BUILD:=build}"
deb=$BUILD/deb
pkgs=(hxen hxen-dkms libhxen0 libhxen-dev)

fail() { echo "deb-roundtrip: FAIL: $*" >&2; exit 1; }
say() { echo "deb-roundtrip: $*"; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs and purges the packages)"
files=()
for p in "${pkgs[@]}"; do
	f=$(ls "$deb/${p}_${VERSION}_"*.deb 2>/dev/null) || fail "no $deb/${p}_${VERSION}_*.deb: run make deb"
	files+=("./$f")
done
for p in "${pkgs[@]}"; do
	! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed ||
		fail "$p is already installed: apt-get purge ${pkgs[*]} first"
done

t0=$(date +%s)
say "lintian"
lint=0
out=$(lintian --fail-on error "$deb"/hxen_"$VERSION"_*.changes 2>&1) || lint=1
echo "$out" | grep -v '^running with root privileges' | sed 's/^/    /' || true
[ "$lint" = 0 ] || fail "lintian reports errors"

had_group=0
getent group hxen >/dev/null && had_group=1
had_mok=0
[ -e /var/lib/dkms/mok.key ] && had_mok=1
no_depmod=()
for k in /lib/modules/*; do
	[ -e "$k/modules.dep" ] || no_depmod+=("$k")
done
tmp=$(mktemp -d)
cleanup() {
	local k

	[ "$had_group" = 1 ] || ! getent group hxen >/dev/null || groupdel hxen
	[ "$had_mok" = 1 ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	for k in "${no_depmod[@]}"; do
		rm -f "$k"/modules.*
		rmdir "$k/updates/dkms" "$k/updates" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

say "apt-get install ${files[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${files[@]}" \
	>"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "apt-get install"; }
sed -n '/Building for\|Building initial\|Done\.\|skipped\|Installing/p' "$tmp/install.log" | sed 's/^/    /'

for p in "${pkgs[@]}"; do
	dpkg -L "$p" >> "$tmp/files"
done
getent group hxen >/dev/null || fail "no group hxen after install"
grep -q 'GROUP="hxen", MODE="0660"' /lib/udev/rules.d/60-hxen.rules || fail "udev rule"
[ "$(hxen --version 2>&1 | grep -c "$VERSION")" -ge 1 ] || fail "hxen --version: $(hxen --version 2>&1)"
hxen-monitor --version >/dev/null || fail "hxen-monitor --version"
[ "$(pkg-config --modversion hxen)" = "$VERSION" ] || fail "pkg-config hxen"
[ -f /usr/lib/modules-load.d/hxen.conf ] || fail "modules-load.d/hxen.conf"

# Every kernel with headers: DKMS built and installed hxen.ko for it.
built=0
for k in /lib/modules/*; do
	kver=${k##*/}
	[ -e "$k/build/Makefile" ] || { say "no headers for $kver: DKMS skips it"; continue; }
	dkms status -m hxen -v "$VERSION" -k "$kver" | grep -q ': installed' ||
		fail "dkms status for $kver: $(dkms status -m hxen -v "$VERSION" -k "$kver")"
	ko=$(ls "$k"/updates/dkms/hxen.ko* 2>/dev/null | head -n1)
	[ -n "$ko" ] || fail "no $k/updates/dkms/hxen.ko"
	[ "$(modinfo -F version "$ko")" = "$VERSION" ] || fail "$ko version"
	say "DKMS: hxen.ko $VERSION installed for $kver ($ko)"
	built=$((built + 1))
done
say "dkms status: $(dkms status hxen | tr '\n' ';')"

say "apt-get purge ${pkgs[*]}"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${pkgs[@]}" >"$tmp/purge.log" 2>&1 ||
	{ cat "$tmp/purge.log"; fail "apt-get purge"; }
for p in "${pkgs[@]}"; do
	! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || fail "$p still installed"
done
# Files only: directories like /usr/bin are shared with other packages.
left=$(while read -r f; do
	[ -d "$f" ] && continue
	if [ -e "$f" ] || [ -L "$f" ]; then echo "$f"; fi
done < "$tmp/files")
[ -z "$left" ] || fail "left after purge: $left"
left=$(ls -d /usr/src/hxen-* /var/lib/dkms/hxen /lib/modules/*/updates/dkms/hxen.ko* \
	/usr/include/hxen /usr/share/doc/hxen* 2>/dev/null || true)
[ -z "$left" ] || fail "left after purge: $left"
say "ok: installed, DKMS built for $built kernel(s), purged clean ($(($(date +%s) - t0)) s)"
