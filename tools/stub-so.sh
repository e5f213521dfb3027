#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A stand-in for a shared library a program is linked with but never uses
# here (fio's rbd, glusterfs, nbd, rdma and pmem engines, whose libraries
# pull in 80 MB of Ceph, ICU, GnuTLS...): same soname, one function per
# symbol the program imports from it, each under the symbol version the
# program asks for, each ending the program with a message if called.
#
#   tools/stub-so.sh PROGRAM LIBRARY OUTDIR     makes OUTDIR/<soname>
set -euo pipefail

[ $# = 3 ] || { echo "usage: stub-so.sh PROGRAM LIBRARY OUTDIR" >&2; exit 2; }
prog=$1 lib=$2 out=$3
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[ -n "$soname" ] || { echo "stub-so: $lib has no soname" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stub-so.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# what LIBRARY defines, and what PROGRAM imports: "VERSION NAME" lines
# (VERSION "-" for an unversioned reference)
nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $3); print $3 }' |
	LC_ALL=C sort -u > "$tmp/defined"
objdump -T "$prog" | awk '$3 == "*UND*" && $2 == "DF" {
	v = $(NF - 1); gsub(/[()]/, "", v)
	if (v == "Base" || v == "*UND*" || v ~ /^0+$/) v = "-"
	print $NF, v }' | LC_ALL=C sort -u |
	LC_ALL=C join - "$tmp/defined" > "$tmp/imports" || true
[ -s "$tmp/imports" ] || { echo "stub-so: $prog imports nothing from $lib" >&2; exit 1; }

{
	echo '#include <stdio.h>'
	echo '#include <stdlib.h>'
	echo "static void stub(const char *f)"
	echo "{"
	echo "	fprintf(stderr, \"%s: not available here ($soname is a stub)\\n\", f);"
	echo "	exit(127);"
	echo "}"
	while read -r sym _; do
		echo "void $sym(void) { stub(\"$sym\"); }"
	done < "$tmp/imports"
} > "$tmp/stub.c"
# a version script, if the program asks for versions: each with its symbols
awk '$2 != "-" { s[$2] = s[$2] " " $1 ";" }
     END { for (v in s) print v " { global:" s[v] " };" }' \
	"$tmp/imports" > "$tmp/stub.map"
map=
[ -s "$tmp/stub.map" ] && map=-Wl,--version-script,$tmp/stub.map
mkdir -p "$out"
${CC:-cc} -shared -fPIC -O1 -o "$out/$soname" -Wl,-soname,"$soname" \
	$map "$tmp/stub.c"
strip "$out/$soname"
