// SPDX-License-Identifier: GPL-2.0
/*
 * COM1: the 16550A model of uart8250_core.c at ports 0x3f8-0x3ff, IRQ 4,
 * connected to --serial: stdio (output to stdout, input from stdin),
 * file:PATH (output only) or none (no device: the ports read all-ones).
 *
 * Input: a reader thread feeds the RX FIFO, waiting while it is full (no
 * byte from the terminal is ever dropped; overruns only happen in the
 * model's own loopback).  A terminal on stdin is put in raw mode so that
 * keys reach the guest unprocessed; Ctrl-] then stops the VM.  The mode is
 * restored at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "devices/dev.h"
#include "devices/uart8250.h"
#include "monitor/config.h"
#include "monitor/ctl.h"
#include "monitor/log.h"
#include "monitor/thread.h"

#define COM1_BASE	0x3f8
#define COM1_IRQ	4
#define ESCAPE_CHAR	0x1d	/* Ctrl-] */

struct com {
	struct uart16550 s;
	pthread_mutex_t lock;
	pthread_cond_t room;		/* RX FIFO may have room again */
	struct dev_env *env;
	int out_fd;
	bool out_close;
	int in_fd;			/* -1: no input */
	int ctl_in;			/* --serial console: write end of the
					 * pipe in_fd reads (ctl input) */
	int wake[2];			/* stops the reader */
	pthread_t reader;
	bool reader_running;
	bool stopping;
};

static struct com com1;

/* Terminal state, restored at exit even on an early exit() elsewhere. */
static struct termios saved_tio;
static bool tty_raw;

static void tty_restore(void)
{
	if (tty_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		tty_raw = false;
	}
}

static void tty_make_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	t = saved_tio;
	/* input raw, no echo, no signals; output processing kept so that the
	 * host terminal still maps "\n" sanely for guests that send it bare */
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
		       ICRNL | IXON);
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0) {
		static bool registered;

		tty_raw = true;
		if (!registered)
			atexit(tty_restore);
		registered = true;
		mon_info("serial console on this terminal: Ctrl-] quits");
	}
}

static void com_tx(void *opaque, uint8_t c)
{
	struct com *d = opaque;

	ctl_console_output(&c, 1);	/* attached consoles, --console-log */
	if (d->out_fd < 0)
		return;
	while (write(d->out_fd, &c, 1) < 0) {
		if (errno == EINTR)
			continue;
		/* sink gone (closed pipe, full disk): keep the guest running */
		mon_warn("serial output failed: %s; output discarded",
			 strerror(errno));
		d->out_fd = -1;
		break;
	}
}

static void com_irq(void *opaque, int level)
{
	struct com *d = opaque;

	if (d->env->irq_line)
		d->env->irq_line(d->env, COM1_IRQ, level);
}

static uint32_t com_read(void *opaque, uint16_t off, unsigned int size)
{
	struct com *d = opaque;
	uint8_t v;

	pthread_mutex_lock(&d->lock);
	v = uart_read(&d->s, off);
	if (uart_rx_room(&d->s))
		pthread_cond_signal(&d->room);
	pthread_mutex_unlock(&d->lock);
	return v;
}

static void com_write(void *opaque, uint16_t off, unsigned int size,
		      uint32_t val)
{
	struct com *d = opaque;

	pthread_mutex_lock(&d->lock);
	uart_write(&d->s, off, val);
	/* FCR clears or leaving loopback also make room */
	if (uart_rx_room(&d->s))
		pthread_cond_signal(&d->room);
	pthread_mutex_unlock(&d->lock);
}

static const struct dev_pio_ops com_ops = {
	.read = com_read,
	.write = com_write,
};

/* Push @n bytes into the FIFO, waiting for room; false when stopping. */
static bool feed(struct com *d, const uint8_t *buf, size_t n)
{
	bool ok;

	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < n; i++) {
		while (!uart_rx_room(&d->s) && !d->stopping)
			pthread_cond_wait(&d->room, &d->lock);
		if (d->stopping)
			break;
		uart_rx_push(&d->s, buf[i]);
	}
	/* nothing more queued right now: the line is idle (char timeout) */
	uart_rx_idle(&d->s);
	ok = !d->stopping;
	pthread_mutex_unlock(&d->lock);
	return ok;
}

static void *reader(void *arg)
{
	struct com *d = arg;
	struct pollfd p[2] = {
		{ .fd = d->in_fd, .events = POLLIN },
		{ .fd = d->wake[0], .events = POLLIN },
	};

	mon_thread_no_thp();
	pthread_setname_np(pthread_self(), "com1-in");
	for (;;) {
		uint8_t buf[64];
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		n = read(d->in_fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;		/* EOF: the guest just gets no input */
		if (tty_raw && memchr(buf, ESCAPE_CHAR, n)) {
			d->env->stop(d->env, 0, "Ctrl-] on the console");
			break;
		}
		if (!feed(d, buf, n))
			break;
	}
	return NULL;
}

/*
 * Keyboard bytes from `hxen console` (control thread): into a pipe that
 * the reader thread drains, so the control thread never waits for the
 * guest to empty the FIFO.  Bytes beyond the pipe's 64 KiB are dropped.
 */
static void ctl_input(void *opaque, const void *buf, size_t len)
{
	struct com *d = opaque;

	if (write(d->ctl_in, buf, len) < 0 && errno != EAGAIN)
		mon_warn("serial input from the console dropped: %s",
			 strerror(errno));
}

static int open_sink(struct com *d, const struct mon_config *cfg)
{
	d->in_fd = -1;
	d->out_fd = -1;
	d->ctl_in = -1;
	if (cfg->serial == MON_SERIAL_CONSOLE) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		d->in_fd = p[0];
		d->ctl_in = p[1];
		ctl_console_set_input("serial", ctl_input, d);
		return 0;
	}
	if (cfg->serial == MON_SERIAL_STDIO) {
		/* attached consoles see the output; input is the terminal's */
		ctl_console_set_input("serial", NULL, NULL);
		d->out_fd = STDOUT_FILENO;
		/* a PVH guest's hvc0 (devices/be_console.c) takes stdin */
		d->in_fd = cfg->console_owns_stdin ? -1 : STDIN_FILENO;
		/* reading (or re-moding) our terminal from a background job
		 * would stop the whole monitor with SIGTTIN/SIGTTOU */
		if (d->in_fd >= 0 && isatty(STDIN_FILENO) &&
		    tcgetpgrp(STDIN_FILENO) != getpgrp()) {
			mon_info("running in the background: no serial input "
				 "from the terminal");
			d->in_fd = -1;
		}
		return 0;
	}
	d->out_fd = open(cfg->serial_path, O_WRONLY | O_CREAT | O_TRUNC |
			 O_APPEND | O_CLOEXEC, 0644);
	if (d->out_fd < 0) {
		int e = errno;

		mon_err("cannot open serial output file %s: %s",
			cfg->serial_path, strerror(e));
		return -e;
	}
	d->out_close = true;
	return 0;
}

static int com_init(struct dev_env *env)
{
	struct com *d = &com1;
	int r;

	if (env->cfg->serial == MON_SERIAL_NONE)
		return 0;
	memset(d, 0, sizeof(*d));
	d->env = env;
	d->wake[0] = d->wake[1] = -1;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->room, NULL);
	uart_init(&d->s, com_tx, com_irq, d);
	r = open_sink(d, env->cfg);
	if (r < 0)
		return r;
	r = dev_claim_pio(COM1_BASE, 8, &com_ops, d, DEV_BYTE_ONLY, "com1");
	if (r < 0)
		goto err;
	if (d->in_fd >= 0) {
		if (pipe2(d->wake, O_CLOEXEC) < 0) {
			r = -errno;
			goto err_release;
		}
		if (d->in_fd == STDIN_FILENO)
			tty_make_raw();
		r = -pthread_create(&d->reader, NULL, reader, d);
		if (r < 0) {
			mon_err("cannot start the serial input thread: %s",
				strerror(-r));
			tty_restore();
			goto err_release;
		}
		d->reader_running = true;
	}
	return 0;

err_release:
	dev_release_pio(COM1_BASE);
err:
	if (d->out_close)
		close(d->out_fd);
	return r;
}

static void com_fini(struct dev_env *env)
{
	struct com *d = &com1;

	if (env->cfg->serial == MON_SERIAL_NONE || !d->env)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_broadcast(&d->room);
	pthread_mutex_unlock(&d->lock);
	if (d->reader_running) {
		if (write(d->wake[1], "", 1) < 0)
			mon_warn("cannot wake the serial input thread");
		pthread_join(d->reader, NULL);
		d->reader_running = false;
	}
	tty_restore();
	for (int i = 0; i < 2; i++)
		if (d->wake[i] >= 0)
			close(d->wake[i]);
	if (d->ctl_in >= 0) {
		ctl_console_clear_input("serial");
		close(d->ctl_in);
		close(d->in_fd);
	}
	dev_release_pio(COM1_BASE);
	if (d->out_close && d->out_fd >= 0)
		close(d->out_fd);
	d->env = NULL;
}

static struct dev_model com1_model = {
	.name = "uart8250",
	.init = com_init,
	.fini = com_fini,
};
DEV_MODEL(com1_model);
