// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore ring, on a be_worker thread (devices/be_core.h).  The guest
 * notifies only when the request ring was empty, or when it freed a full
 * response ring, so each wake-up drains every request and pushes every
 * reply that fits, then notifies the guest whenever anything moved
 * [xen-abi.md F.1].  Output queued by other
 * threads (internal writes firing the guest's watches) wakes the worker.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "devices/be_xenstore.h"
#include "monitor/log.h"

/* xs_conn notify hook: output was queued (we hold the lock). */
static void output_queued(void *opaque)
{
	struct be_xenstore *b = opaque;

	be_worker_wake(&b->w);
}

static void xenstore_work(struct be_worker *w, bool notified, short revents)
{
	struct be_xenstore *b = w->opaque;
	int rc;

	if (notified)
		b->events++;
	pthread_mutex_lock(&b->lock);
	rc = xs_ring_pump(b->ring, b->conn);
	pthread_mutex_unlock(&b->lock);
	if ((rc & XS_RING_BROKEN) && !b->broken_logged) {
		mon_warn("xenstore: domain %u's ring indexes are inconsistent; "
			 "ignoring its requests", b->domid);
		b->broken_logged = true;
	}
	if (rc & XS_RING_NOTIFY) {
		be_worker_kick(w);
		b->kicks = w->kicks;
	}
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
	b->conn = xs_conn_new(b->xs, b->domid);
	if (!b->conn) {
		mon_err("xenstore: out of memory");
		return -ENOMEM;
	}
	b->w = (struct be_worker){
		.name = "xenstore", .notify_fd = b->notify_fd,
		.kick_fd = b->kick_fd, .work = xenstore_work, .opaque = b,
	};
	/* the wake fd must exist before output can be queued */
	r = be_worker_start(&b->w);
	if (r < 0) {
		xs_conn_free(b->conn);
		b->conn = NULL;
		return r;
	}
	pthread_mutex_lock(&b->lock);
	xs_conn_set_notify(b->conn, output_queued, b);
	pthread_mutex_unlock(&b->lock);
	be_worker_wake(&b->w);
	return 0;
}

void be_xenstore_stop(struct be_xenstore *b)
{
	if (!be_worker_running(&b->w))
		return;
	be_worker_stop(&b->w);
	pthread_mutex_lock(&b->lock);
	xs_conn_free(b->conn);
	b->conn = NULL;
	pthread_mutex_unlock(&b->lock);
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
