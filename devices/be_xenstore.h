/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenstore ring backend: one thread serving the guest's
 * xenstore_domain_interface page with the server of monitor/xs.h.
 * Other monitor threads use the tree through be_xenstore_lock()/unlock()
 * around xs_* calls; replies and watch events they cause are pushed to
 * the guest by this thread.
 */
#ifndef BE_XENSTORE_H
#define BE_XENSTORE_H

#include <pthread.h>
#include <stdbool.h>

#include "devices/be_core.h"
#include "monitor/xs.h"
#include "monitor/xs_ring.h"

struct be_xenstore {
	/* set by the caller before be_xenstore_start() */
	struct xs *xs;
	struct xs_ring_page *ring;	/* guest memory */
	uint16_t domid;
	int notify_fd;		/* eventfd: the guest notified us */
	int kick_fd;		/* eventfd: write 1 to notify the guest */

	/* private */
	struct xs_conn *conn;
	struct be_worker w;
	bool broken_logged;
	pthread_mutex_t lock;
	unsigned long long kicks, events;
};

int be_xenstore_start(struct be_xenstore *b);
void be_xenstore_stop(struct be_xenstore *b);
void be_xenstore_lock(struct be_xenstore *b);
void be_xenstore_unlock(struct be_xenstore *b);

#endif /* BE_XENSTORE_H */
