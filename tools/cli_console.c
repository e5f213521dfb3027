// SPDX-License-Identifier: GPL-2.0
/*
 * hxen console NAME: after the "console" request the control connection
 * carries raw console bytes both ways.  On a terminal, stdin is put in raw
 * mode and Ctrl-] (0x1d) detaches, as in xl console.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define CTRL_RBRACKET	0x1d

static struct termios saved;
static bool raw;

static void restore_tty(void)
{
	if (raw)
		tcsetattr(0, TCSAFLUSH, &saved);
	raw = false;
}

static void make_raw(void)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &saved))
		return;
	t = saved;
	cfmakeraw(&t);
	if (!tcsetattr(0, TCSAFLUSH, &t)) {
		raw = true;
		atexit(restore_tty);
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

static int pump(struct cli_conn *c)
{
	bool in_open = true;
	char buf[4096];

	/* bytes that arrived with the reply are console output already */
	if (c->len && write_all(1, c->buf, c->len))
		return CLI_ERR;
	c->len = 0;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = c->fd, .events = POLLIN },
			{ .fd = 0, .events = in_open ? POLLIN : 0 },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return CLI_ERR;
		}
		if (p[0].revents) {
			n = recv(c->fd, buf, sizeof(buf), 0);
			if (n <= 0) {
				restore_tty();
				fprintf(stderr, "\r\nhxen: VM '%s' stopped\n",
					c->name);
				return CLI_OK;
			}
			if (write_all(1, buf, n))
				return CLI_ERR;
		}
		if (p[1].revents) {
			char *esc;

			n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				in_open = false;	/* keep streaming output */
				continue;
			}
			esc = raw ? memchr(buf, CTRL_RBRACKET, n) : NULL;
			if (esc)
				n = esc - buf;
			if (n && send(c->fd, buf, n, MSG_NOSIGNAL) != n)
				return CLI_ERR;
			if (esc) {
				restore_tty();
				fprintf(stderr, "\r\nhxen: detached from '%s'\n",
					c->name);
				return CLI_OK;
			}
		}
	}
}

int cli_console_attach(const char *name)
{
	struct cli_conn c;
	struct json *r;
	int rc;

	if (cli_connect(&c, name, 0))
		return CLI_ERR;
	r = cli_request(&c, "console", NULL);
	if (!r) {
		cli_close(&c);
		return CLI_ERR;
	}
	if (isatty(0))
		fprintf(stderr, "hxen: connected to the %s console of '%s'; "
			"Ctrl-] detaches\r\n", json_get_str(r, "console") ?
			json_get_str(r, "console") : "?", name);
	json_free(r);
	signal(SIGPIPE, SIG_IGN);
	make_raw();
	rc = pump(&c);
	restore_tty();
	cli_close(&c);
	return rc;
}

int cli_console(int argc, char **argv)
{
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || name)
			return cli_usage_error("console", "unexpected argument "
					       "'%s'", argv[i]);
		name = argv[i];
	}
	if (!name)
		return cli_usage_error("console", "which VM? (a NAME from "
				       "`hxen list`)");
	return cli_console_attach(name);
}
