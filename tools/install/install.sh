#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall (tools/install/build.mk sets the
# variables; docs/install.md).  The one list of what hxen installs is
# manifest() below: install copies it, uninstall removes it, list prints it.
#
#   tools/install/install.sh install|uninstall|list
#
# Run as root without DESTDIR, install also creates the system group hxen
# (the udev rule gives /dev/hxen to it), reloads udev, runs ldconfig and
# registers the module source with DKMS (building it for the running kernel
# if its headers are there); uninstall removes the DKMS registration and
# the modules DKMS built, and keeps the group.  With DESTDIR only files are
# copied or removed.
set -euo pipefail

cd "$(dirname "$0")/../.."

: "${VERSION:?}" "${BUILD:=build}" "${DESTDIR:=}" "${PREFIX:=/usr/local}"
: "${BINDIR:=$PREFIX/bin}" "${LIBDIR:=$PREFIX/lib}" "${INCLUDEDIR:=$PREFIX/include}"
: "${MANDIR:=$PREFIX/share/man}" "${PKGCONFIGDIR:=$LIBDIR/pkgconfig}"
: "${UDEVRULESDIR:=/etc/udev/rules.d}" "${MODULESLOADDIR:=/etc/modules-load.d}"
: "${DKMSSRCDIR:=/usr/src}"

action=${1:?usage: install.sh install|uninstall|list}
dkms_src=$DKMSSRCDIR/hxen-$VERSION
system=0
[ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ] && system=1

say() { echo "install: $*"; }

# Every installed path, through three helpers:
#   file MODE SRC DST   a copy
#   link TARGET DST     a symbolic link
#   subst MODE SRC DST  a copy with @VERSION@, @PREFIX@, @LIBDIR@,
#                       @INCLUDEDIR@ replaced
manifest() {
	local m s

	file 755 "$BUILD/bin/hxen" "$BINDIR/hxen"
	file 755 "$BUILD/bin/hxen-monitor" "$BINDIR/hxen-monitor"
	file 644 "$BUILD/lib/libhxen.so.$VERSION" "$LIBDIR/libhxen.so.$VERSION"
	link "libhxen.so.$VERSION" "$LIBDIR/libhxen.so.0"
	link libhxen.so.0 "$LIBDIR/libhxen.so"
	file 644 include/hxen/hxen.h "$INCLUDEDIR/hxen/hxen.h"
	file 644 include/hxen/libhxen.h "$INCLUDEDIR/hxen/libhxen.h"
	subst 644 tools/install/hxen.pc.in "$PKGCONFIGDIR/hxen.pc"
	for m in docs/man/*.[1-8]; do
		file 644 "$m" "$MANDIR/man${m##*.}/${m##*/}"
	done
	file 644 tools/install/60-hxen.rules "$UDEVRULESDIR/60-hxen.rules"
	file 644 tools/install/modules-load.conf "$MODULESLOADDIR/hxen.conf"
	# The module source, laid out as in the repository (kmod/Kbuild
	# includes ../include); kmod/build.mk is the top-level make's.
	subst 644 tools/install/dkms.conf.in "$dkms_src/dkms.conf"
	for s in kmod/Kbuild kmod/*.[chS] kmod/xen/*.[ch] include/hxen/hxen.h; do
		case $s in
		*.mod.c) ;;	# left by an in-tree "make kmod"
		*) file 644 "$s" "$dkms_src/$s" ;;
		esac
	done
}

do_file() {
	install -D -m "$1" "$2" "$DESTDIR$3"
}

do_link() {
	mkdir -p "$(dirname "$DESTDIR$2")"
	ln -sfn "$1" "$DESTDIR$2"
}

do_subst() {
	mkdir -p "$(dirname "$DESTDIR$3")"
	sed -e "s|@VERSION@|$VERSION|g" -e "s|@PREFIX@|$PREFIX|g" \
	    -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@INCLUDEDIR@|$INCLUDEDIR|g" \
	    "$2" > "$DESTDIR$3.tmp"
	chmod "$1" "$DESTDIR$3.tmp"
	mv -f "$DESTDIR$3.tmp" "$DESTDIR$3"
}

# Removes @1 and then, with DESTDIR, its parent directories that became
# empty, up to DESTDIR; without, only the directories hxen owns.
remove() {
	local d

	rm -f "$DESTDIR$1"
	d=$(dirname "$1")
	while [ -n "$DESTDIR" ] && [ "$d" != / ] && rmdir "$DESTDIR$d" 2>/dev/null; do
		d=$(dirname "$d")
	done
}

case $action in
install)
	file() { do_file "$@"; }
	link() { do_link "$@"; }
	subst() { do_subst "$@"; }
	# A reinstall starts from a clean module source tree.
	rm -rf "${DESTDIR}${dkms_src:?}"
	;;
uninstall)
	file() { remove "$3"; }
	link() { remove "$2"; }
	subst() { remove "$3"; }
	;;
list)
	file() { echo "$3"; }
	link() { echo "$2"; }
	subst() { echo "$3"; }
	manifest
	exit 0
	;;
*)
	echo "install.sh: unknown action '$action' (install, uninstall, list)" >&2
	exit 2
	;;
esac

dkms_registered() {
	command -v dkms >/dev/null && [ -n "$(dkms status -m hxen -v "$VERSION" 2>/dev/null)" ]
}

if [ "$action" = uninstall ] && [ "$system" = 1 ] && dkms_registered; then
	say "dkms remove hxen/$VERSION --all"
	dkms remove "hxen/$VERSION" --all >/dev/null
fi

manifest

if [ "$action" = uninstall ]; then
	# Directories of hxen's own, and pkgconfig/ if hxen made it.
	if [ -z "$DESTDIR" ]; then
		rm -rf "${dkms_src:?}"
		rmdir "$INCLUDEDIR/hxen" "$PKGCONFIGDIR" 2>/dev/null || true
	fi
	if [ "$system" = 1 ]; then
		ldconfig
		if command -v udevadm >/dev/null && [ -d /run/udev ]; then
			udevadm control --reload || true
		fi
		say "removed hxen $VERSION; the group hxen is kept (groupdel hxen removes it)"
	else
		say "removed hxen $VERSION from ${DESTDIR:-/}"
	fi
	exit 0
fi

if [ "$system" = 0 ]; then
	say "installed hxen $VERSION into ${DESTDIR:-/} (files only: no group, udev or DKMS step)"
	exit 0
fi

getent group hxen >/dev/null || { say "groupadd --system hxen"; groupadd --system hxen; }
ldconfig
if command -v udevadm >/dev/null && [ -d /run/udev ]; then
	udevadm control --reload || true
	if [ -e /dev/hxen ]; then
		udevadm trigger --sysname-match=hxen || true
	fi
fi

if ! command -v dkms >/dev/null; then
	say "dkms is not installed: the module source is in $dkms_src;" \
	    "install dkms and run 'dkms install $dkms_src', or build it with 'make kmod'"
	exit 0
fi
if dkms_registered; then
	dkms remove "hxen/$VERSION" --all >/dev/null
fi
say "dkms add $dkms_src"
dkms add "$dkms_src" >/dev/null
kver=$(uname -r)
if [ -d "/lib/modules/$kver/build" ]; then
	say "dkms install hxen/$VERSION -k $kver"
	dkms install "hxen/$VERSION" -k "$kver" ||
		say "the DKMS build for $kver failed (see above); the source stays registered"
else
	say "no headers for the running kernel $kver: DKMS builds hxen.ko when" \
	    "linux-headers-$kver is installed (or: dkms install hxen/$VERSION -k VERSION)"
fi
say "installed hxen $VERSION; users in group hxen may use /dev/hxen (usermod -aG hxen USER)"
