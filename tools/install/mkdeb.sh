#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian packages hxen, hxen-dkms, libhxen0 and libhxen-dev
# in build/deb/.  dpkg-buildpackage wants debian/ at the top of the source,
# so the tree (the files git knows, committed or not) is copied to
# build/deb/hxen-VERSION/ with tools/debian/ as debian/, and built there.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
: "${VERSION:?}" "${BUILD:=build}"

die() { echo "mkdeb: $*" >&2; exit 1; }

changelog=$(dpkg-parsechangelog -l tools/debian/changelog -S Version)
[ "$changelog" = "$VERSION" ] ||
	die "tools/debian/changelog is at $changelog, the Makefile's VERSION is $VERSION: add a changelog entry (dch -v $VERSION)"

out=$BUILD/deb
src=$out/hxen-$VERSION
rm -rf "$out"
mkdir -p "$src"
if git rev-parse --git-dir >/dev/null 2>&1; then
	# Tracked files deleted in the work tree are left out.
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
		done | xargs -0 cp -P --parents -t "$src"
else
	tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
cp -r tools/debian "$src/debian"

jobs=$(nproc)
[ "$jobs" -le 2 ] || jobs=2
echo "mkdeb: dpkg-buildpackage in $src (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b -j"$jobs") >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed; the whole log is $out/build.log"
fi
rm -rf "$src"
echo "mkdeb: built:"
ls -1 "$out"/*.deb | sed 's/^/    /'
