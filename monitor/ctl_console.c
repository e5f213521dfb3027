// SPDX-License-Identifier: GPL-2.0
/*
 * The VM console stream: whatever console device is active (the UART
 * now, hvc0 later) writes guest output here; it goes to every attached
 * `hxen console` client, to the --console-log file and into a history
 * ring that is replayed to a client when it attaches (so `hxen console`
 * shows the recent past, as a terminal would).
 *
 * Guest output comes from vCPU or device threads: it must never block on
 * a client.  Sockets are written with MSG_DONTWAIT; what a client cannot
 * take at once waits in its own queue, which the control thread sends on
 * when the socket is writable again (ctl_console_flush).  A unix socket
 * refuses more after a few hundred small sends it has not delivered (each
 * is an skb charged at its true size against SO_SNDBUF), so without the
 * queue a client that was not scheduled for a moment lost lines of
 * output.  Only a client more than CTL_CLIENT_QUEUE behind loses bytes,
 * and it is told how many (the log file and the other clients still get
 * them).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/ctl.h"

#define CTL_HISTORY	(16 * 1024)
#define CTL_MAX_ATTACH	8
#define CTL_CLIENT_QUEUE	(256 * 1024)

struct con_client {
	int fd;
	char *q;		/* CTL_CLIENT_QUEUE bytes once needed */
	size_t qlen;
	unsigned long long dropped;	/* since the last notice */
};

static struct {
	pthread_mutex_t lock;
	char hist[CTL_HISTORY];
	size_t hist_len, hist_head;	/* ring: head = oldest byte */
	struct con_client clients[CTL_MAX_ATTACH];
	int nclients;
	int log_fd;
	/* input receivers: [0] the PV console hvc0, [1] the UART (or other) */
	struct {
		const char *kind;	/* NULL: slot unused */
		ctl_console_input_fn fn;
		void *opaque;
	} in[2];
} con = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.log_fd = -1,
};

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* disk full etc.: the VM keeps running */
		p += w;
		n -= w;
	}
}

int ctl_console_open_log(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
		      O_CLOEXEC | O_NOCTTY, 0644);

	if (fd < 0) {
		snprintf(err, errlen, "cannot create console log '%s': %s",
			 path, strerror(errno));
		return -errno;
	}
	pthread_mutex_lock(&con.lock);
	if (con.log_fd >= 0)
		close(con.log_fd);
	con.log_fd = fd;
	pthread_mutex_unlock(&con.lock);
	return 0;
}

static void hist_add(const char *p, size_t n)
{
	if (n >= CTL_HISTORY) {
		p += n - CTL_HISTORY;
		n = CTL_HISTORY;
	}
	while (n--) {
		size_t tail = (con.hist_head + con.hist_len) % CTL_HISTORY;

		con.hist[tail] = *p++;
		if (con.hist_len < CTL_HISTORY)
			con.hist_len++;
		else
			con.hist_head = (con.hist_head + 1) % CTL_HISTORY;
	}
}

static void queue_add(struct con_client *cl, const char *p, size_t n)
{
	size_t take;

	if (!cl->q)
		cl->q = malloc(CTL_CLIENT_QUEUE);
	if (!cl->q) {
		cl->dropped += n;
		return;
	}
	take = CTL_CLIENT_QUEUE - cl->qlen;
	if (take > n)
		take = n;
	memcpy(cl->q + cl->qlen, p, take);
	cl->qlen += take;
	cl->dropped += n - take;
}

/* Without blocking; a peer that is gone is dropped by the control thread. */
static void client_send(struct con_client *cl, const char *p, size_t n)
{
	bool was_idle = !cl->qlen;

	if (was_idle) {
		ssize_t w = send(cl->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return;
		if (w > 0) {
			p += w;
			n -= w;
		}
	}
	if (!n)
		return;
	queue_add(cl, p, n);
	/* the control thread polls for POLLOUT only where a queue waits */
	if (was_idle)
		ctl_wake_poll();
}

void ctl_console_output(const void *buf, size_t len)
{
	if (!len)
		return;
	pthread_mutex_lock(&con.lock);
	hist_add(buf, len);
	if (con.log_fd >= 0)
		write_all(con.log_fd, buf, len);
	for (int i = 0; i < con.nclients; i++)
		client_send(&con.clients[i], buf, len);
	pthread_mutex_unlock(&con.lock);
}

static struct con_client *client_of(int fd)
{
	for (int i = 0; i < con.nclients; i++)
		if (con.clients[i].fd == fd)
			return &con.clients[i];
	return NULL;
}

bool ctl_console_queued(int fd)
{
	struct con_client *cl;
	bool q;

	pthread_mutex_lock(&con.lock);
	cl = client_of(fd);
	q = cl && (cl->qlen || cl->dropped);
	pthread_mutex_unlock(&con.lock);
	return q;
}

/* Control thread, @fd writable: send what waits, then any loss notice. */
void ctl_console_flush(int fd)
{
	struct con_client *cl;
	ssize_t w;

	pthread_mutex_lock(&con.lock);
	cl = client_of(fd);
	if (cl && cl->qlen) {
		w = send(fd, cl->q, cl->qlen, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w > 0) {
			memmove(cl->q, cl->q + w, cl->qlen - w);
			cl->qlen -= w;
		}
	}
	if (cl && !cl->qlen && cl->dropped) {
		char msg[120];
		int n = snprintf(msg, sizeof(msg),
				 "\r\n[hxen: %llu bytes of console output "
				 "dropped: this client read too slowly]\r\n",
				 cl->dropped);

		cl->dropped = 0;
		client_send(cl, msg, n);
	}
	pthread_mutex_unlock(&con.lock);
}

/*
 * The PV console wins over the UART whatever the registration order: a
 * PVH Linux guest's console is hvc0, and its UART may be there too.
 */
void ctl_console_set_input(const char *kind, ctl_console_input_fn fn,
			   void *opaque)
{
	pthread_mutex_lock(&con.lock);
	if (!kind) {
		memset(con.in, 0, sizeof(con.in));
	} else {
		int i = strcmp(kind, "hvc0") ? 1 : 0;

		con.in[i].kind = kind;
		con.in[i].fn = fn;
		con.in[i].opaque = opaque;
	}
	pthread_mutex_unlock(&con.lock);
}

void ctl_console_clear_input(const char *kind)
{
	pthread_mutex_lock(&con.lock);
	for (int i = 0; i < 2; i++)
		if (con.in[i].kind && !strcmp(con.in[i].kind, kind))
			memset(&con.in[i], 0, sizeof(con.in[i]));
	pthread_mutex_unlock(&con.lock);
}

/* The active console: hvc0 if registered, else the other one. */
static int active(void)
{
	return con.in[0].kind ? 0 : con.in[1].kind ? 1 : -1;
}

const char *ctl_console_kind(void)
{
	const char *k;
	int a;

	pthread_mutex_lock(&con.lock);
	a = active();
	k = a < 0 ? "none" : con.in[a].kind;
	pthread_mutex_unlock(&con.lock);
	return k;
}

void ctl_console_input(const void *buf, size_t len)
{
	ctl_console_input_fn fn = NULL;
	void *opaque = NULL;
	int a;

	pthread_mutex_lock(&con.lock);
	a = active();
	if (a >= 0) {
		fn = con.in[a].fn;
		opaque = con.in[a].opaque;
	}
	pthread_mutex_unlock(&con.lock);
	/* outside the lock: the device may echo, i.e. call output */
	if (fn)
		fn(opaque, buf, len);
}

int ctl_console_attach(int fd)
{
	size_t first;

	pthread_mutex_lock(&con.lock);
	if (con.nclients >= CTL_MAX_ATTACH) {
		pthread_mutex_unlock(&con.lock);
		return -EBUSY;
	}
	/* history first, in order, so nothing is lost or reordered */
	first = CTL_HISTORY - con.hist_head;
	if (first > con.hist_len)
		first = con.hist_len;
	con.clients[con.nclients] = (struct con_client){ .fd = fd };
	client_send(&con.clients[con.nclients], con.hist + con.hist_head,
		    first);
	client_send(&con.clients[con.nclients], con.hist,
		    con.hist_len - first);
	con.nclients++;
	pthread_mutex_unlock(&con.lock);
	return 0;
}

void ctl_console_detach(int fd)
{
	pthread_mutex_lock(&con.lock);
	for (int i = 0; i < con.nclients; i++) {
		if (con.clients[i].fd == fd) {
			free(con.clients[i].q);
			con.clients[i] = con.clients[--con.nclients];
			break;
		}
	}
	pthread_mutex_unlock(&con.lock);
}

void ctl_console_close(void)
{
	pthread_mutex_lock(&con.lock);
	if (con.log_fd >= 0) {
		fsync(con.log_fd);
		close(con.log_fd);
		con.log_fd = -1;
	}
	pthread_mutex_unlock(&con.lock);
}
