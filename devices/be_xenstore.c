// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore ring thread.  The guest notifies only when the request ring
 * was empty, or when it freed a full response ring, so each wake-up drains
 * every request and pushes every reply that fits, then notifies the guest
 * whenever anything moved [xen-abi.md F.1].  Output queued by other
 * threads (internal writes firing the guest's watches) wakes the thread
 * through wake_fd.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/be_xenstore.h"
#include "monitor/log.h"

static void poke(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		mon_warn("xenstore: eventfd write: %s", strerror(errno));
}

static void drain_eventfd(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) == sizeof(v))
		;
}

/* xs_conn notify hook: output was queued (we hold the lock). */
static void output_queued(void *opaque)
{
	struct be_xenstore *b = opaque;

	poke(b->wake_fd);
}

static void *xenstore_thread(void *arg)
{
	struct be_xenstore *b = arg;

	pthread_setname_np(pthread_self(), "xenstore");
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = b->notify_fd, .events = POLLIN },
			{ .fd = b->wake_fd, .events = POLLIN },
		};
		int rc;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			mon_err("xenstore: poll: %s", strerror(errno));
			break;
		}
		if (p[0].revents) {
			drain_eventfd(b->notify_fd);
			b->events++;
		}
		if (p[1].revents)
			drain_eventfd(b->wake_fd);
		if (!__atomic_load_n(&b->running, __ATOMIC_ACQUIRE))
			break;
		pthread_mutex_lock(&b->lock);
		rc = xs_ring_pump(b->ring, b->conn);
		pthread_mutex_unlock(&b->lock);
		if ((rc & XS_RING_BROKEN) && !b->broken_logged) {
			mon_warn("xenstore: domain %u's ring indexes are "
				 "inconsistent; ignoring its requests",
				 b->domid);
			b->broken_logged = true;
		}
		if (rc & XS_RING_NOTIFY) {
			b->kicks++;
			poke(b->kick_fd);
		}
	}
	return NULL;
}

int be_xenstore_start(struct be_xenstore *b)
{
	pthread_mutexattr_t a;
	int r;

	/* recursive: internal watch callbacks may call xs_* again */
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&b->lock, &a);
	pthread_mutexattr_destroy(&a);
	b->broken_logged = false;
	b->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->wake_fd < 0) {
		mon_err("xenstore: eventfd: %s", strerror(errno));
		return -errno;
	}
	b->conn = xs_conn_new(b->xs, b->domid);
	if (!b->conn) {
		close(b->wake_fd);
		mon_err("xenstore: out of memory");
		return -ENOMEM;
	}
	xs_conn_set_notify(b->conn, output_queued, b);
	b->running = true;
	r = -pthread_create(&b->thread, NULL, xenstore_thread, b);
	if (r < 0) {
		b->running = false;
		xs_conn_free(b->conn);
		close(b->wake_fd);
		mon_err("xenstore: cannot start its thread: %s", strerror(-r));
		return r;
	}
	return 0;
}

void be_xenstore_stop(struct be_xenstore *b)
{
	if (!b->running)
		return;
	__atomic_store_n(&b->running, false, __ATOMIC_RELEASE);
	poke(b->wake_fd);
	pthread_join(b->thread, NULL);
	pthread_mutex_lock(&b->lock);
	xs_conn_free(b->conn);
	b->conn = NULL;
	pthread_mutex_unlock(&b->lock);
	close(b->wake_fd);
	b->wake_fd = -1;
	mon_dbg("xenstore: %llu guest events, %llu notifications",
		b->events, b->kicks);
}

void be_xenstore_lock(struct be_xenstore *b)
{
	pthread_mutex_lock(&b->lock);
}

void be_xenstore_unlock(struct be_xenstore *b)
{
	pthread_mutex_unlock(&b->lock);
}
