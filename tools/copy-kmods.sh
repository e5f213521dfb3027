#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy kernel modules and the modules they depend on, in load order:
#
#   tools/copy-kmods.sh MODDIR OUTDIR NAME...
#
# MODDIR is a kernel's lib/modules/VERSION (tests/e2e/fetch-kernel.sh
# extracts Debian's); each NAME.ko found below it is copied to OUTDIR with
# its debug sections stripped, after its dependencies (the "depends=" of
# its .modinfo), and named in OUTDIR/order, one a line, so that
# `while read m; do insmod OUTDIR/$m.ko; done < OUTDIR/order` loads them.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: copy-kmods.sh MODDIR OUTDIR NAME..." >&2; exit 2; }
mods=$1 outdir=$2
shift 2
[ -d "$mods/kernel" ] || { echo "copy-kmods: $mods/kernel missing (run tests/e2e/fetch-kernel.sh)" >&2; exit 1; }
mkdir -p "$outdir"
touch "$outdir/order"

add_mod() {	# add_mod NAME: dependencies first
	local f dep
	grep -qx -- "$1" "$outdir/order" && return 0
	f=$(find "$mods/kernel" -name "$1.ko" -print -quit)
	[ -n "$f" ] || { echo "copy-kmods: module $1 not in $mods (run tests/e2e/fetch-kernel.sh)" >&2; exit 1; }
	for dep in $(tr '\0' '\n' < "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_mod "$dep"
	done
	cp "$f" "$outdir/"
	strip --strip-debug "$outdir/$1.ko"
	echo "$1" >> "$outdir/order"
}
for m in "$@"; do add_mod "$m"; done
