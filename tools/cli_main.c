// SPDX-License-Identifier: GPL-2.0
/*
 * hxen: the xl-style command line.  One table of subcommands; each has a
 * one-line summary for `hxen --help` and its full usage for
 * `hxen CMD --help` (docs/cli.md and hxen(1) carry the same text).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_create(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_console(int argc, char **argv);
int cli_pause(int argc, char **argv);
int cli_network_list(int argc, char **argv);
int cli_unpause(int argc, char **argv);
int cli_shutdown(int argc, char **argv);
int cli_reboot(int argc, char **argv);
int cli_destroy(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_disk(int argc, char **argv);
int cli_reserved(int argc, char **argv);
int cli_screenshot(int argc, char **argv);
int cli_vnc(int argc, char **argv);
int cli_mem_set(int argc, char **argv);
int cli_save(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_migrate_receive(int argc, char **argv);
int cli_restore(int argc, char **argv);
static int cli_help(int argc, char **argv);

const struct cli_cmd cli_cmds[] = {
	{ "create", cli_create, "start a VM from a config file (in the "
	  "background)",
	  "usage: hxen create [-n] [-c] [-q] [-f] CFG [KEY=VALUE ...]\n"
	  "\n"
	  "Start the VM described by the xl-style config file CFG (see\n"
	  "hxen.cfg(5)); KEY=VALUE arguments override keys of the file.\n"
	  "The VM runs in its own hxen-monitor process in the background,\n"
	  "logging to RUNDIR/NAME.log, controlled through RUNDIR/NAME.sock.\n"
	  "\n"
	  "  -n, --dry-run  parse and check the config (files exist, sizes\n"
	  "                 sane), print the effective config as JSON, start\n"
	  "                 nothing; works without the hxen module\n"
	  "  -c, --console  attach to the VM console once it runs (Ctrl-]\n"
	  "                 detaches)\n"
	  "  -q, --quiet    print nothing on success\n"
	  "  -f CFG         the config file (same as the CFG argument)\n"
	  "\n"
	  "Exit status: 0 the VM is running, 1 it failed to start (the\n"
	  "monitor's message is shown), 2 bad command line or config.\n" },
	{ "run", cli_run, "run a VM in the foreground; exit status = its fate",
	  "usage: hxen run [--timeout SECONDS] [--console-log FILE] CFG "
	  "[KEY=VALUE ...]\n"
	  "\n"
	  "Like create, but this process becomes the VM's monitor: the console\n"
	  "is on stdin/stdout, and the exit status tells how the VM ended.\n"
	  "The VM is also reachable through its control socket (hxen list,\n"
	  "console, pause, shutdown, destroy work on it).  SIGTERM or SIGINT\n"
	  "ask the guest to shut down, and destroy it after shutdown_grace\n"
	  "seconds (a second signal destroys it at once).\n"
	  "\n"
	  "  --timeout SECONDS    destroy the VM after SECONDS (timeout=)\n"
	  "  --console-log FILE   also write the console to FILE "
	  "(console_log=)\n"
	  "  --headless           console to --console-log only, not stdout\n"
	  "                       (default when stdout is not a terminal and a\n"
	  "                       console log is given)\n"
	  "\n"
	  "Exit status: 0 guest powered off, 1 monitor error or triple fault,\n"
	  "2 bad command line or config, 3 guest hung (HLT with interrupts\n"
	  "off), 4 guest crashed, 5 guest rebooted with on_reboot=\"destroy\",\n"
	  "6 timeout, 7 destroyed (hxen destroy), 8 shutdown or SIGTERM not\n"
	  "honoured within the grace period (destroyed).  The test guest's\n"
	  "power-off port can end the VM with any other value.\n" },
	{ "list", cli_list, "list running VMs",
	  "usage: hxen list [--json] [NAME ...]\n"
	  "\n"
	  "Show name, id (monitor pid), memory (MiB), vCPUs, state\n"
	  "(running, paused, shutting-down) and uptime (seconds) of every VM\n"
	  "of this user, or of the NAMEs given.  Sockets left by monitors that\n"
	  "died are removed (with a message).\n"
	  "\n"
	  "  --json   one JSON array of status objects (docs/protocol.md)\n"
	  "\n"
	  "Exit status: 0, or 1 if a NAME given does not exist.\n" },
	{ "console", cli_console, "attach to a VM's console (Ctrl-] detaches)",
	  "usage: hxen console NAME\n"
	  "\n"
	  "Attach the terminal to the console of VM NAME: output of the serial\n"
	  "port and of the PV console hvc0; input goes to hvc0 if the VM has\n"
	  "one, else to the serial port.  The last 16 KiB of output is shown\n"
	  "first.  Ctrl-] detaches, leaving the VM running.\n"
	  "Without a terminal, stdin is sent to the guest and output copied to\n"
	  "stdout until the VM stops.\n"
	  "\n"
	  "Exit status: 0 detached or the VM stopped, 1 no such VM.\n" },
	{ "network-list", cli_network_list, "list a VM's virtual NICs",
	  "usage: hxen network-list [--json] NAME\n"
	  "\n"
	  "Show each vif of VM NAME: index, MAC, backend state, transport\n"
	  "(user or tap), frames and bytes each way, frames dropped (TX drops\n"
	  "include malformed packets from the guest) and the host side\n"
	  "(user-mode address and forwards, or the TAP device).\n"
	  "\n"
	  "  --json   the monitor's objects (docs/protocol.md)\n"
	  "\n"
	  "Exit status: 0, or 1 if there is no such VM.\n" },
	{ "pause", cli_pause, "pause a VM's vCPUs",
	  "usage: hxen pause NAME\n"
	  "\n"
	  "Stop every vCPU of VM NAME (they are kicked out of the guest and\n"
	  "parked); devices and the console stay up.  Exit status 0 or 1.\n" },
	{ "unpause", cli_unpause, "resume a paused VM",
	  "usage: hxen unpause NAME\n"
	  "\n"
	  "Let the vCPUs of a paused VM run again.  Exit status 0 or 1.\n" },
	{ "shutdown", cli_shutdown, "ask a VM's guest to power off",
	  "usage: hxen shutdown [-w] NAME\n"
	  "\n"
	  "Ask the guest of VM NAME to power off (xenstore control/shutdown).\n"
	  "A guest that does not do so within shutdown_grace seconds (the\n"
	  "test guests ignore it; guests without Xen are not told) is\n"
	  "destroyed and its monitor exits with status 8.\n"
	  "\n"
	  "  -w, --wait   wait until the VM is gone\n"
	  "\n"
	  "Exit status: 0 request accepted (with -w: VM gone), 1 failure.\n" },
	{ "reboot", cli_reboot, "ask a VM's guest to reboot",
	  "usage: hxen reboot NAME\n"
	  "\n"
	  "Ask the guest of VM NAME to reboot.  With on_reboot=\"restart\"\n"
	  "(the default) it boots again; with on_reboot=\"destroy\" the VM\n"
	  "ends with status 5.  A guest that does not react within\n"
	  "shutdown_grace seconds is destroyed (status 8).  Exit status 0 or 1.\n" },
	{ "destroy", cli_destroy, "stop a VM at once (pull the plug)",
	  "usage: hxen destroy NAME\n"
	  "\n"
	  "Stop VM NAME immediately, without telling the guest, and wait until\n"
	  "its monitor is gone (its exit status is 7).  Exit status 0 or 1.\n" },
	{ "info", cli_info, "hxen, module and ABI versions, backend, "
	  "capabilities",
	  "usage: hxen info [--json]\n"
	  "\n"
	  "Print the versions of hxen and of the hxen module (/dev/hxen), the\n"
	  "ABI versions, the virtualization backend (VMX or SVM) and its\n"
	  "capabilities, or why none is usable.  Works without the module\n"
	  "(then says so).  Exit status 0, or 1 if the module is unusable.\n" },
	{ "version", cli_info, "same as info",
	  "usage: hxen version [--json]\n\nSame as `hxen info`.\n" },
	{ "disk", cli_disk, "create disk images and overlays; show an image",
	  "usage: hxen disk create [-f raw|qcow2] FILE SIZE\n"
	  "       hxen disk create -b BASE [-F raw|qcow2] FILE [SIZE]\n"
	  "       hxen disk info FILE\n"
	  "\n"
	  "create makes a new image FILE (never overwriting one): raw (the\n"
	  "default; a sparse file) or qcow2 (64 KiB clusters).  With -b, a\n"
	  "qcow2 overlay on BASE: a gold-master clone that stores only what\n"
	  "differs from BASE, which is opened read-only and may be shared by\n"
	  "many overlays.  A relative BASE is relative to FILE's directory;\n"
	  "SIZE defaults to BASE's.  SIZE is bytes, or a number with K, M, G\n"
	  "or T (powers of 1024), and a multiple of 512.\n"
	  "\n"
	  "  -f FMT    image format: raw or qcow2 (qcow2 with -b)\n"
	  "  -b BASE   backing file of the new qcow2 overlay\n"
	  "  -F FMT    BASE's format (default: found from BASE)\n"
	  "\n"
	  "info shows FILE's format, virtual size, allocation on the host,\n"
	  "cluster size, backing file, and the backing chain, one line a\n"
	  "level.  It takes no lock, so it works on an image in use.\n"
	  "\n"
	  "Exit status: 0 done, 1 the image could not be made or read (the\n"
	  "message names the file and what to do), 2 bad command line.\n" },
	{ "mem-set", cli_mem_set, "set a VM's memory target (the balloon)",
	  "usage: hxen mem-set NAME SIZE\n"
	  "\n"
	  "Ask the guest of VM NAME to use SIZE of RAM (MiB, or with K, M or G),\n"
	  "through xenstore memory/target: Linux's xen-balloon gives the rest\n"
	  "back to the host or takes memory again, up to the VM's memory\n"
	  "(maxmem) setting.  Exit status 0 request accepted, 1 failure.\n" },
	{ "save", cli_save, "save a VM's state to a file (-c: keep it running)",
	  "usage: hxen save [-c] NAME FILE\n"
	  "\n"
	  "Write the whole state of VM NAME (memory, vCPUs, the Xen layer,\n"
	  "xenstore, devices) to FILE, then stop the VM.  The guest is not\n"
	  "asked and does not notice: `hxen restore FILE` lets it go on where\n"
	  "it was, its clock and processes continuing.  Disk writes in flight\n"
	  "finish first, so the disk images agree with FILE.  A paused VM\n"
	  "stays paused.\n"
	  "\n"
	  "  -c        checkpoint: the VM keeps running after the save\n"
	  "\n"
	  "Exit status: 0 saved, 1 failed (the VM runs on), 2 bad usage.\n" },
	{ "restore", cli_restore, "start a VM again from a saved state",
	  "usage: hxen restore [-p] FILE [--name NEW]\n"
	  "\n"
	  "Start the VM saved in FILE (hxen save) where it stopped, with its\n"
	  "saved configuration.  The whole file is checked first: a damaged,\n"
	  "truncated, foreign or newer file is refused, naming the record and\n"
	  "the reason, before anything starts.  --name NEW gives the VM\n"
	  "another name, so one file can be restored more than once (the\n"
	  "copies are independent; a writable disk can serve only one).\n"
	  "\n"
	  "  -p        start it paused (`hxen unpause` lets it run), so\n"
	  "            pause, save, restore -p, unpause compose as in xl\n"
	  "\n"
	  "Exit status: 0 started, 1 refused or failed, 2 bad usage.\n" },
	{ "migrate", cli_migrate, "move a running VM to another host (live)",
	  "usage: hxen migrate [-s SSHCMD] [--name NEW] NAME HOST\n"
	  "       hxen migrate --tcp HOST:PORT NAME\n"
	  "\n"
	  "Move VM NAME, running, to HOST: over ssh (`SSHCMD HOST hxen\n"
	  "migrate-receive`, SSHCMD default ssh, run by sh; --name NEW names\n"
	  "it there), or to `hxen migrate-receive --listen PORT` on HOST.\n"
	  "Its memory is copied while it runs, in rounds of the pages\n"
	  "it dirtied, until that stops shrinking; then it stops for a last\n"
	  "copy and runs on there.  Prints the rounds, the bytes sent and the\n"
	  "downtime.  If anything fails (no receiver, the connection cut,\n"
	  "the receiver refusing) the VM runs on here as before.\n"
	  "\n"
	  "Exit status: 0 moved, 1 failed (the VM runs here), 2 bad usage.\n" },
	{ "migrate-receive", cli_migrate_receive, "receive one migrating VM",
	  "usage: hxen migrate-receive [--listen PORT] [--name NEW]\n"
	  "\n"
	  "Wait on TCP PORT for one VM sent by `hxen migrate --tcp` (without\n"
	  "--listen: read it from stdin and answer on stdout, as under ssh),\n"
	  "check it, and start it here (as NEW if given).  A stream cut or\n"
	  "damaged starts nothing and leaves nothing behind.\n"
	  "\n"
	  "Exit status: 0 the VM runs here, 1 nothing started, 2 bad usage.\n" },
	{ "vnc", cli_vnc, "open a VNC viewer on a VM's screen",
	  "usage: hxen vnc NAME\n"
	  "\n"
	  "Start the desktop's VNC viewer (vncviewer, gvncviewer or\n"
	  "xtightvncviewer, the first on PATH, when there is a $DISPLAY or\n"
	  "$WAYLAND_DISPLAY) on VM NAME's VNC server (vfb = ['vnc=1']), or\n"
	  "print its address as HOST::PORT when there is none.  Exit status 0,\n"
	  "or 1 if the VM has no VNC server.\n" },
	{ "screenshot", cli_screenshot, "save a VM's screen as a PNG file",
	  "usage: hxen screenshot NAME FILE.png\n"
	  "\n"
	  "Write what VM NAME's graphical console (vfb) shows now to FILE.png\n"
	  "(RGB, the guest's mode), with or without a window or VNC client.\n"
	  "The monitor writes the file.  Exit status 0, or 1 if the VM has no\n"
	  "vfb or the file cannot be written.\n" },
	{ "help", cli_help, "show help for a command",
	  "usage: hxen help [COMMAND]\n" },
	{ NULL }
};

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("hxen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hxen %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see `hxen %s --help`)\n", cmd);
	return CLI_USAGE;
}

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

bool cli_want_help(const struct cli_cmd *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(c->usage, stdout);
			return true;
		}
	}
	return false;
}

static void main_usage(FILE *f)
{
	fprintf(f, "usage: hxen [--help] [--version] COMMAND [ARGS]\n"
		"\nManage hxen virtual machines (xl-style).  Commands:\n\n");
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n`hxen COMMAND --help` describes each command; hxen(1) and "
		"hxen.cfg(5)\nthe whole tool and its config files.  VMs are "
		"per user; their control\nsockets live in %s.\n",
		cli_runtime_dir());
}

static int cli_help(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		main_usage(stdout);
		return CLI_OK;
	}
	c = cli_find(argv[1]);
	if (!c)
		return cli_usage_error("help", "no command '%s'", argv[1]);
	fputs(c->usage, stdout);
	return CLI_OK;
}

int cli_reserved(int argc, char **argv)
{
	if (cli_want_help(cli_find(argv[0]), argc, argv))
		return CLI_OK;
	cli_err("%s: not yet available in this version of hxen", argv[0]);
	return CLI_ERR;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		main_usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cli_info(1, (char *[]){ "version", NULL });
	c = cli_find(argv[1]);
	if (!c) {
		cli_err("unknown command '%s' (see `hxen --help`)", argv[1]);
		return CLI_USAGE;
	}
	if (cli_want_help(c, argc - 1, argv + 1))
		return CLI_OK;
	return c->fn(argc - 1, argv + 1);
}
