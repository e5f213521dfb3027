/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hxen command line: shared declarations of tools/cli_*.c.
 */
#ifndef HXEN_TOOLS_CLI_H
#define HXEN_TOOLS_CLI_H

#include <stdbool.h>
#include <sys/types.h>
#include "json.h"

/* Exit statuses of hxen itself (run: the monitor's, see docs/cli.md). */
#define CLI_OK		0
#define CLI_ERR		1	/* the request failed (no such VM, ...) */
#define CLI_USAGE	2	/* bad command line or config */

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] = command name */
	const char *summary;			/* one line for `hxen --help` */
	const char *usage;			/* full text for CMD --help */
};

extern const struct cli_cmd cli_cmds[];

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the command's usage to stdout if argv has --help/-h; 1 if so. */
bool cli_want_help(const struct cli_cmd *c, int argc, char **argv);
const struct cli_cmd *cli_find(const char *name);
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- runtime directory and control sockets (cli_ctl.c) ---- */

/* $HXEN_RUNTIME_DIR, /run/hxen (root), $XDG_RUNTIME_DIR/hxen, /tmp/hxen-UID */
const char *cli_runtime_dir(void);
/* Create it (0700) if needed and check it is ours; 0 or -1 (message). */
int cli_runtime_dir_prepare(void);
/* Paths of VM @name: malloc'd "DIR/NAME.sock" / ".log". */
char *cli_vm_path(const char *name, const char *suffix);

struct cli_conn {
	int fd;
	char name[80];
	char buf[8192];
	size_t len;
};

/*
 * Connect to VM @name and read its greeting.  Distinguishes: no such VM,
 * a socket of another user, a stale socket (cleaned up), a monitor that
 * does not answer.  Returns 0, or -1 after printing the reason (unless
 * @quiet says otherwise).
 */
#define CLI_QUIET_MISSING	1	/* no message if there is no such VM */
#define CLI_QUIET_ERRORS	2	/* no message for other failures */
#define CLI_QUIET_ALL		(CLI_QUIET_MISSING | CLI_QUIET_ERRORS)
int cli_connect(struct cli_conn *c, const char *name, unsigned int quiet);
/* Send {"cmd":cmd, ...extra} and return the reply (NULL: printed error). */
struct json *cli_request(struct cli_conn *c, const char *cmd,
			 struct json *extra);
/* The same with a longer wait for the reply (save, migrate). */
struct json *cli_request_wait(struct cli_conn *c, const char *cmd,
			      struct json *extra, int timeout_ms);
/* Wait up to @secs for the monitor to close the socket (VM gone). */
int cli_wait_gone(struct cli_conn *c, int secs);
void cli_close(struct cli_conn *c);
/* Names of VMs with a socket in the runtime dir (stale ones cleaned). */
char **cli_list_names(int *n);

/* Simple request: connect, send, check "ok"; prints errors. */
int cli_simple(const char *name, const char *cmd, struct json *extra,
	       struct json **reply);

/* ---- config loading shared by create/run (cli_create.c) ---- */
int cli_console_attach(const char *name);
/* Start a detached hxen-monitor with @argv (NULL-terminated): restore. */
int cli_start_monitor(char *const *argv, const char *name, bool quiet);
/*
 * The same, but return at once with the monitor's pid (or -1, message),
 * the monitor killed if this process dies first (PR_SET_PDEATHSIG; the
 * monitor clears it): migrate-receive.  *@log: its log (free it).
 */
pid_t cli_spawn_monitor(char *const *argv, const char *name, char **log);
/* The end of a VM log on stderr. */
void cli_print_log_tail(const char *log);
/* Check a state stream FILE and start its VM (cli_state.c). */
int cli_restore_file(const char *file, const char *name, bool paused);
/*
 * A stream's saved command line with this restore's changes and @opt
 * @val last ("--restore FILE", "--incoming FDS"); NULL on no memory.
 * *@vm_name points into it or at @name, *@sock is malloc'd.
 */
struct hxs_file;
char **cli_restore_argv(const struct hxs_file *f, const char *name,
			const char *opt, const char *val, const char **vm_name,
			char **sock, bool paused);
/*
 * CPU levelling (tools/cli_state.c): can this host show a guest every
 * feature in @want (a stream's CPUID record)?  0 yes (or no module here:
 * the monitor says why), > 0 that many missing, named in @names, < 0 a
 * bad test knob (message in @names).
 */
struct hxen_cpuid_features;
int cli_cpuid_check(const struct hxen_cpuid_features *want, char *names,
		    size_t len);
/* A running monitor holds @name's lock (cli_ctl.c; no connection made). */
bool cli_name_locked(const char *name);
/* 1 if no VM runs under @name, else 0 with a message (cli_create.c) */
int cli_name_free(const char *name);

#endif /* HXEN_TOOLS_CLI_H */
