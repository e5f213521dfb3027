// SPDX-License-Identifier: GPL-2.0
/*
 * hvc0 backend, on a be_worker thread (devices/be_core.h).  The worker
 * sleeps on the guest's notification eventfd, the input fd (polled only
 * while the input ring has room, so a paste never loses bytes) and its
 * wake eventfd (stop, or input from the console stream).  Output is
 * drained on every wake-up; the guest is notified only when input was
 * placed, as Linux counts events that bring nothing as spurious
 * [xen-abi.md G.4].  No xenstore: the primary console's ring and port
 * come from HVM params.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "devices/be_console.h"
#include "devices/be_core.h"
#include "monitor/ctl.h"
#include "monitor/log.h"

#define ESCAPE_CHAR	0x1d	/* Ctrl-], as on the serial console */

static struct termios saved_tio;
static bool tio_saved;

static void tty_restore(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
	tio_saved = false;
}

static bool tty_make_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return false;
	t = saved_tio;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;	/* monitor messages stay readable */
	/* TCSANOW, not TCSAFLUSH: keep what was typed (or piped) ahead */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return false;
	tio_saved = true;
	atexit(tty_restore);
	return true;
}

static void write_all(struct be_console *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(c->out_fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* a pty nobody reads, or a closed pipe: drop it */
			c->dropped += n;
			return;
		}
		p += w;
		n -= w;
	}
}

static void drain_output(struct be_console *c)
{
	char buf[XENCONS_OUT_SIZE];
	long n;

	while ((n = cons_ring_take_output(c->ring, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (!c->broken_logged)
				mon_warn("hvc0: guest console ring indexes are "
					 "inconsistent; output skipped");
			c->broken_logged = true;
			return;
		}
		if (c->out_fd >= 0)
			write_all(c, buf, n);
		ctl_console_output(buf, n);
	}
}

/* Move pending stream input into the ring; caller holds c->lock. */
static bool flush_pending(struct be_console *c)
{
	size_t n;

	if (!c->npending)
		return false;
	n = cons_ring_put_input(c->ring, c->pending, c->npending);
	memmove(c->pending, c->pending + n, c->npending - n);
	c->npending -= n;
	return n > 0;
}

static bool read_input(struct be_console *c)
{
	char buf[XENCONS_IN_SIZE];
	long space = cons_ring_input_space(c->ring);
	ssize_t n;
	size_t put;

	if (space <= 0)
		return false;
	n = read(c->in_fd, buf, space);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0) {
		/* EOF (e.g. the end of a piped script): no more input */
		c->in_eof = true;
		return false;
	}
	if (c->tty_raw && memchr(buf, ESCAPE_CHAR, n)) {
		if (c->escape)
			c->escape(c->opaque);
		c->in_eof = true;
		return false;
	}
	pthread_mutex_lock(&c->lock);
	put = cons_ring_put_input(c->ring, buf, n);	/* fits: space */
	pthread_mutex_unlock(&c->lock);
	return put > 0;
}

static int console_extra_fd(struct be_worker *w)
{
	struct be_console *c = w->opaque;

	if (c->in_fd >= 0 && !c->in_eof && cons_ring_input_space(c->ring) > 0)
		return c->in_fd;
	return -1;
}

static void console_work(struct be_worker *w, bool notified, short revents)
{
	struct be_console *c = w->opaque;
	bool fed;

	/* the guest may have consumed input or produced output */
	drain_output(c);
	pthread_mutex_lock(&c->lock);
	fed = flush_pending(c);
	pthread_mutex_unlock(&c->lock);
	if (revents)
		fed |= read_input(c);
	if (fed) {
		be_worker_kick(w);
		c->kicks = w->kicks;
	}
}

static void console_last(struct be_worker *w)
{
	drain_output(w->opaque);
}

/* Bytes from `hxen console` clients (control thread). */
static void stream_input(void *opaque, const void *buf, size_t len)
{
	struct be_console *c = opaque;
	size_t room;

	pthread_mutex_lock(&c->lock);
	room = sizeof(c->pending) - c->npending;
	if (len > room) {
		c->dropped += len - room;
		len = room;
	}
	memcpy(c->pending + c->npending, buf, len);
	c->npending += len;
	pthread_mutex_unlock(&c->lock);
	be_worker_wake(&c->w);
}

static int open_pty(struct be_console *c)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 ||
	    ptsname_r(fd, c->pty_name, sizeof(c->pty_name))) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		mon_err("hvc0: cannot create a pty: %s", strerror(e));
		return -e;
	}
	c->out_fd = c->in_fd = fd;
	c->close_out = true;
	mon_info("hvc0 console on %s", c->pty_name);
	return 0;
}

static int open_sinks(struct be_console *c)
{
	c->out_fd = c->in_fd = -1;
	switch (c->mode) {
	case BE_CONSOLE_STDIO:
		c->out_fd = STDOUT_FILENO;
		c->in_fd = STDIN_FILENO;
		c->tty_raw = tty_make_raw();
		return 0;
	case BE_CONSOLE_PTY:
		return open_pty(c);
	case BE_CONSOLE_FILE:
		c->out_fd = open(c->path, O_WRONLY | O_CREAT | O_APPEND |
				 O_CLOEXEC, 0644);
		if (c->out_fd < 0) {
			int e = errno;

			mon_err("hvc0: cannot open console file %s: %s",
				c->path, strerror(e));
			return -e;
		}
		c->close_out = true;
		return 0;
	case BE_CONSOLE_NONE:
		return 0;
	}
	return -EINVAL;
}

int be_console_start(struct be_console *c)
{
	int r;

	pthread_mutex_init(&c->lock, NULL);
	c->npending = 0;
	c->in_eof = c->broken_logged = false;
	r = open_sinks(c);
	if (r < 0)
		return r;
	c->w = (struct be_worker){
		.name = "hvc0", .notify_fd = c->notify_fd,
		.kick_fd = c->kick_fd, .work = console_work,
		.extra_fd = console_extra_fd, .last = console_last,
		.opaque = c,
	};
	r = be_worker_start(&c->w);
	if (r < 0) {
		if (c->close_out)
			close(c->out_fd);
		return r;
	}
	ctl_console_set_input("hvc0", stream_input, c);
	return 0;
}

void be_console_stop(struct be_console *c)
{
	if (!be_worker_running(&c->w))
		return;
	ctl_console_clear_input("hvc0");
	be_worker_stop(&c->w);
	if (c->close_out)
		close(c->out_fd);
	c->out_fd = c->in_fd = -1;
	if (c->mode == BE_CONSOLE_STDIO)
		tty_restore();
	if (c->dropped)
		mon_dbg("hvc0: %llu bytes dropped", (unsigned long long)c->dropped);
}
