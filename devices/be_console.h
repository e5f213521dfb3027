/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen PV console backend (hvc0): the xencons_interface ring of the
 * guest's primary console [xen/include/public/io/console.h], connected to
 * the terminal, a pty or a log file, and to the monitor's console stream
 * (monitor/ctl.h) for `hxen console`.
 */
#ifndef BE_CONSOLE_H
#define BE_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/be_core.h"

#define XENCONS_IN_SIZE		1024
#define XENCONS_OUT_SIZE	2048

struct xencons_ring {
	char in[XENCONS_IN_SIZE];	/* backend -> guest */
	char out[XENCONS_OUT_SIZE];	/* guest -> backend */
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};

_Static_assert(sizeof(struct xencons_ring) == 3088, "xencons_interface");

/* ---- ring helpers (be_console_ring.c, host independent) ---- */

/*
 * Copy guest output into @buf (at most @len bytes) and consume it.
 * Returns the byte count, or -1 if the guest's indexes are inconsistent
 * (the ring is then resynchronised: out_cons = out_prod).
 */
long cons_ring_take_output(struct xencons_ring *r, void *buf, size_t len);
/* Free bytes in the input ring; -1 if the indexes are inconsistent. */
long cons_ring_input_space(const struct xencons_ring *r);
/* Append up to @len input bytes; returns how many were placed. */
size_t cons_ring_put_input(struct xencons_ring *r, const void *buf,
			   size_t len);

/* ---- the backend (be_console.c) ---- */

enum be_console_mode {
	BE_CONSOLE_STDIO,	/* output to stdout, input from stdin */
	BE_CONSOLE_PTY,		/* a new pty; its path is logged */
	BE_CONSOLE_FILE,	/* output appended to a file, no input */
	BE_CONSOLE_NONE,	/* output only to the console stream */
};

struct be_console {
	/* set by the caller before be_console_start() */
	struct xencons_ring *ring;	/* guest memory */
	int notify_fd;		/* eventfd: the guest notified us */
	int kick_fd;		/* eventfd: write 1 to notify the guest */
	enum be_console_mode mode;
	const char *path;	/* BE_CONSOLE_FILE */
	/* Ctrl-] on a raw terminal: the user wants out */
	void (*escape)(void *opaque);
	void *opaque;

	/* private */
	int out_fd, in_fd;
	bool close_out, close_in, tty_raw, in_eof, broken_logged;
	char pty_name[64];
	struct be_worker w;
	pthread_mutex_t lock;		/* input ring production */
	uint8_t pending[4096];		/* stream input awaiting ring space */
	size_t npending;
	uint64_t kicks, dropped;
};

int be_console_start(struct be_console *c);
void be_console_stop(struct be_console *c);

#endif /* BE_CONSOLE_H */
