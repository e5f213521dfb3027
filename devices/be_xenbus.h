/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xenbus side of a backend device [xen/include/public/io/xenbus.h,
 * xen-abi.md F.4]: its two xenstore directories, and the XenbusState
 * handshake driven by the frontend's state node.
 *
 *   backend  /local/domain/0/backend/<type>/<domid>/<devid>  (ours; the
 *            guest reads it)
 *   frontend /local/domain/<domid>/device/<type>/<devid>     (the guest's)
 *
 * Backend states, as Linux's own backends move them:
 *   publish          → InitWait (features written first)
 *   fe Initialised/Connected, we InitWait → connect() → Connected
 *                                           (connect() fails → Closing)
 *   fe Closing       → disconnect() → Closing
 *   fe Closed        → disconnect() → Closed → InitWait, or ops->
 *                      rearm_state (unless faulted)
 *   fe Initialised/Connected, we re-armed Connected → connect()
 *   fe gone          → disconnect() → Closed
 *   fe Initialising, we Closed/Closing/Connected → (disconnect) InitWait:
 *                      the driver came back (module reload, rebind,
 *                      kexec), so the device can connect again
 *   be_dev_fault()   → disconnect() → Closing
 * Every call here needs the xenstore lock.
 */
#ifndef HXEN_BE_XENBUS_H
#define HXEN_BE_XENBUS_H

#include <stdint.h>

#include "devices/be_core.h"

struct xs;

/* Create both directories, write the features, InitWait, watch. */
int be_xenbus_publish(struct be_dev *d, struct xs *xs);
/* Unwatch, disconnect, remove both directories. */
void be_xenbus_unpublish(struct be_dev *d, struct xs *xs);
/* The frontend's state changed to @fs (the watch handler's core). */
void be_xenbus_frontend_changed(struct be_dev *d, struct xs *xs,
				enum xenbus_state fs);
/* A fault (be_dev_fault): disconnect and go to Closing. */
void be_xenbus_fault(struct be_dev *d, struct xs *xs);
/* Write our state node; 0 or -errno. */
int be_xenbus_switch(struct be_dev *d, struct xs *xs, enum xenbus_state s);

/* Key helpers for backends: @dir is d->bpath or d->fpath. */
int be_xs_printf(struct xs *xs, const char *dir, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Decimal unsigned value of @dir/@key: 0, -ENOENT, or -EINVAL. */
int be_xs_read_uint(struct xs *xs, const char *dir, const char *key,
		    uint64_t max, uint64_t *val);
/* malloc'ed copy of @dir/@key or NULL */
char *be_xs_read_str(struct xs *xs, const char *dir, const char *key);

const char *be_xenbus_state_name(enum xenbus_state s);

#endif /* HXEN_BE_XENBUS_H */
