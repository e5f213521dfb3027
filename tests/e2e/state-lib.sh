# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the save/restore/migration scenarios (9x-state-*.sh),
# sourced after /e2e/lib.sh.  VMs are driven through the CLI (hxen
# create/save/restore), the guest console through `hxen console` fed by a
# FIFO on fd 3 (one attached VM at a time).
#
#   st_config NAME [CFG-LINE...]   /tmp/NAME.cfg for the bundled Linux guest
#   st_prompt NAME                 wait for the shell prompt in its console log
#   st_attach NAME                 attach the console (output /tmp/NAME.att.N)
#   st_detach                      close it
#   st_cmd CMD TAG [SECS]          run CMD in the guest, output "@@TAG ..."
#   st_val TAG                     first field of the last "@@TAG" line
#   st_line TAG N                  first field of the Nth "@@TAG" line
#   st_cleanup NAME...             destroy the VMs (trap)
#   st_runs_on SRC RECV WHAT       after a failed migration: SRC runs and
#                                  counts on (attached), RECV left nothing

H=$E2E_BIN/hxen
export HXEN_RUNTIME_DIR=/run/hxen-e2e
S=${E2E_SCALE:-1}
LX_G=$E2E_GUESTS/linux
need_dev
need "$H" "$LX_G/vmlinuz" "$LX_G/initramfs.cpio.gz"
ST_ATT=
ST_PID=
ST_N=0
# A write to a console that exited fails (and is reported) instead of killing us.
trap '' PIPE

st_config() {
	_n=$1
	shift
	{
		echo "name = \"$_n\""
		echo "memory = 256"
		echo "kernel = \"$LX_G/vmlinuz\""
		echo "ramdisk = \"$LX_G/initramfs.cpio.gz\""
		echo "cmdline = \"$(cat "$LX_G/cmdline") quiet\""
		echo "console_log = \"/tmp/$_n.console\""
		for _l in "$@"; do echo "$_l"; done
	} > "/tmp/$_n.cfg"
}

st_prompt() {
	_i=0
	until grep -q 'hxen-guest#' "/tmp/$1.console" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt $((300 * S)) ] && { tail -n 20 "/tmp/$1.console" | guest_prefix; fail "$1: no shell prompt on hvc0"; }
		sleep 1
	done
}

st_attach() {
	ST_N=$((ST_N + 1))
	ST_ATT=/tmp/$1.att.$ST_N
	rm -f "/tmp/$1.in"
	mkfifo "/tmp/$1.in"
	$H console "$1" < "/tmp/$1.in" > "$ST_ATT" 2>&1 &
	ST_PID=$!
	exec 3> "/tmp/$1.in"
	sleep 1
}

st_detach() {
	exec 3>&-
	[ -n "$ST_PID" ] && { kill "$ST_PID" 2>/dev/null; wait "$ST_PID" 2>/dev/null; }
	ST_PID=
}

# The VM's monitor log and console tail, when a VM went away under a test.
st_gone() {
	tail -n 20 "$HXEN_RUNTIME_DIR/$1.log" 2>/dev/null | sed 's/^/monitor| /'
	tail -n 10 "/tmp/$1.console" 2>/dev/null | guest_prefix
	fail "$2"
}

# The attached VM's name, from ST_ATT (/tmp/NAME.att.N).
st_vm() {
	_vm=${ST_ATT##*/}
	echo "${_vm%%.att.*}"
}

st_cmd() {
	ST_N=$((ST_N + 1))
	# A console that exited (its VM died) would kill us with SIGPIPE.
	if [ -n "$ST_PID" ] && ! kill -0 "$ST_PID" 2>/dev/null; then
		st_gone "$(st_vm)" "the console of $(st_vm) exited (VM gone?) before: $1"
	fi
	# The tags are split by empty quotes ('' and ""), so the guest's echo
	# of this line, wrapped at 80 columns, never starts a line with one.
	printf '%s\n' "( $1 ) 2>&1 | sed 's/^/@@''$2 /'; echo @@\"\"$2-END-$ST_N" >&3 ||
		st_gone "$(st_vm)" "cannot write to the console of $(st_vm): $1"
	_end=$(( $(date +%s) + ${3:-60} * S ))
	until grep -q "^@@$2-END-$ST_N" "$ST_ATT" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$_end" ]; then
			tail -n 15 "$ST_ATT" | guest_prefix
			fail "no answer from the guest to: $1"
		fi
		sleep 0.2
	done
}

st_val() {
	grep "^@@$1 " "$ST_ATT" | tail -n1 | tr -d '\r' | cut -d' ' -f2
}

st_line() {
	grep "^@@$1 " "$ST_ATT" | tr -d '\r' | sed -n "$2p" | cut -d' ' -f2
}

st_runs_on() {
	$H list "$1" | grep -q ' running ' || { tail -n 25 "$HXEN_RUNTIME_DIR/$1.log"; fail "the source is not running after the $3"; }
	$H list "$2" >/dev/null 2>&1 && fail "the receiver left a VM after the $3"
	ls "$HXEN_RUNTIME_DIR"/migrate-*.save 2>/dev/null && fail "the receiver left its file after the $3"
	st_attach "$1"
	st_cmd 'cat /tmp/count; sleep 1; cat /tmp/count' RUNS
	[ "$(st_val RUNS)" -gt "$(st_line RUNS 1)" ] 2>/dev/null && return
	st_why "$1" RUNS
	fail "the source stopped counting after the $3 ($(st_line RUNS 1) $(st_val RUNS))"
}

# Why a guest's counting loop stopped: its clock, its tasks and what the
# loop's shell waits in (its pid in /tmp/count.pid), the guest's
# interrupt counts and kernel log, and the monitor's warnings.
st_why() {
	# the answer as the console log has it and as the attached client got it
	[ -n "$2" ] && {
		grep -a "@@$2" "/tmp/$1.console" | tr -d '\r' | sed 's/^/console-log| /'
		grep -a "@@$2" "$ST_ATT" | tr -d '\r' | sed 's/^/attached| /'
	}
	st_cmd 'cut -d" " -f1 /proc/uptime; cat /tmp/count; sleep 1; cut -d" " -f1 /proc/uptime; cat /tmp/count; ps -o pid,stat,comm 2>/dev/null || ps; p=$(cat /tmp/count.pid 2>/dev/null); [ -n "$p" ] && { grep -E "^(State|voluntary|nonvoluntary)" /proc/$p/status; echo wchan $(cat /proc/$p/wchan); cat /proc/$p/stack; for c in /proc/$p/task/*/children; do for k in $(cat $c); do echo child $k $(cat /proc/$k/comm) $(grep ^State /proc/$k/status) $(cat /proc/$k/wchan); cat /proc/$k/stack; done; done; }; grep -i -E "xen|timer|LOC|RES" /proc/interrupts; dmesg | tail -n 15' WHY 30
	grep '^@@WHY ' "$ST_ATT" | tr -d '\r' | sed 's/^/guest| /'
	grep -i 'migrat\|warn\|error\|pause\|resume' "$HXEN_RUNTIME_DIR/$1.log" | tail -n 15 | sed 's/^/monitor| /'
}

st_cleanup() {
	st_detach 2>/dev/null
	for _v in "$@"; do $H destroy "$_v" >/dev/null 2>&1; done
}
