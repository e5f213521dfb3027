#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Judge one emulated-host serial log (see the markers in init.sh):
#
#   tests/e2e/check-log.sh SERIAL.LOG NAME...
#
# NAME... are the checks expected, in order (insmod, the scenarios, rmmod).
# Prints PASS/FAIL per check, then "kernel-log" (no Oops, BUG, WARNING,
# general protection, soft lockup, hung task, Call Trace, panic, ... in the
# host kernel's messages after @@E2E-START), then "N passed, N failed".
# Exit status 1 if anything failed.  E2E_TIMED_OUT=SECONDS adds a failed
# "boot" check (the emulator was killed).
set -euo pipefail

log=${1:?usage: check-log.sh SERIAL.LOG NAME...}
shift
[ -r "$log" ] || { echo "check-log: cannot read $log" >&2; exit 2; }

tr -d '\r' < "$log" | awk -v expected="$*" -v timed_out="${E2E_TIMED_OUT:-}" '
function verdict(ok, name, why) {
	if (ok) {
		printf "PASS %s\n", name
		npass++
	} else {
		printf "FAIL %s: %s\n", name, why
		nfail++
	}
}
BEGIN {
	n = split(expected, want, " ")
	# Host kernel trouble; only lines with a printk timestamp count, and
	# never guest console lines ("guest| " prefix, see lib.sh).
	bad = "Oops|(^|[^A-Za-z_])BUG([^A-Za-z_]|$)|WARNING|general protection|" \
	      "soft lockup|hung task|blocked for more than|Call Trace|" \
	      "Kernel panic|UBSAN|KASAN|detected stall|kernel stack overflow|" \
	      "double fault|list_(add|del) corruption|refcount_t:|Bad page"
	cur = "(boot)"
}
/@@E2E-START/ { started = 1; cur = "(start)"; next }
/@@E2E-END/ { ended = 1; cur = "(end)"; next }
started && match($0, /@@SCENARIO [^ ]+/) {
	cur = substr($0, RSTART + 11, RLENGTH - 11)
	seen[cur] = 1
	out[cur] = ""
	nout[cur] = 0
	next
}
started && match($0, /@@PASS [^ ]+/) {
	res[substr($0, RSTART + 7, RLENGTH - 7)] = "PASS"
	next
}
started && match($0, /@@FAIL [^ :]+/) {
	name = substr($0, RSTART + 7, RLENGTH - 7)
	res[name] = "FAIL"
	why[name] = substr($0, RSTART + RLENGTH + 2)
	next
}
/@@DMESG(-END)? / { indmesg = ($0 ~ /@@DMESG /); next }
started && !/^guest\| / && /\[ *[0-9]+\.[0-9]+\]/ && $0 ~ bad {
	if (!nbad++)
		firstbad = cur ": " $0
	badlines = badlines "    " cur ": " $0 "\n"
}
started && !indmesg && cur != "" {
	# keep the last 40 output lines of each scenario for failure reports
	k = nout[cur]++ % 40
	tail[cur, k] = $0
}
END {
	if (timed_out != "")
		verdict(0, "boot", "timed out after " timed_out " s (emulator killed)" \
			(started ? "" : " before /init started"))
	else if (!started)
		verdict(0, "boot", "the emulated host never reached /init (no @@E2E-START)")
	for (i = 1; i <= n; i++) {
		name = want[i]
		if (res[name] == "PASS") {
			verdict(1, name)
			continue
		}
		if (res[name] == "FAIL")
			reason = why[name]
		else if (seen[name])
			reason = "started but no result marker (hung, killed or host crashed)"
		else
			reason = "never started"
		verdict(0, name, reason)
		m = nout[name]
		for (j = (m > 40 ? m - 40 : 0); j < m; j++)
			printf "    | %s\n", tail[name, j % 40]
	}
	if (started && !ended && timed_out == "")
		verdict(0, "end", "no @@E2E-END marker (host crashed or powered off early)")
	if (nbad) {
		verdict(0, "kernel-log", nbad " suspicious host kernel line(s), first in " firstbad)
		printf "%s", badlines
	} else if (started) {
		verdict(1, "kernel-log")
	} else {
		verdict(0, "kernel-log", "no log to check")
	}
	printf "%d passed, %d failed\n", npass, nfail
	exit nfail ? 1 : 0
}'
