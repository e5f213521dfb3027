// SPDX-License-Identifier: GPL-2.0
/*
 * XenbusState handshake of one backend device (be_xenbus.h).  The
 * directories and permissions are the ones libxl makes: the frontend
 * directory is owned by the guest (it writes its keys and state there),
 * the backend directory by domain 0 with read access for the guest.
 * Linux probes a frontend only while its state reads Initialising, and
 * watches the backend's state from then on [drivers/xen/xenbus/
 * xenbus_probe.c], so the backend can sit in InitWait before the guest
 * boots.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_xenbus.h"
#include "monitor/log.h"
#include "monitor/xs.h"

static const char *const state_names[] = {
	"Unknown", "Initialising", "InitWait", "Initialised", "Connected",
	"Closing", "Closed", "Reconfiguring", "Reconfigured",
};

const char *be_xenbus_state_name(enum xenbus_state s)
{
	return (unsigned int)s < sizeof(state_names) / sizeof(state_names[0]) ?
	       state_names[s] : "?";
}

int be_xs_printf(struct xs *xs, const char *dir, const char *key,
		 const char *fmt, ...)
{
	char path[192], val[256];
	va_list ap;
	int n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(val))
		return -E2BIG;
	return xs_write(xs, path, val);
}

char *be_xs_read_str(struct xs *xs, const char *dir, const char *key)
{
	char path[192];

	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    (int)sizeof(path))
		return NULL;
	return xs_read(xs, path);
}

int be_xs_read_uint(struct xs *xs, const char *dir, const char *key,
		    uint64_t max, uint64_t *val)
{
	char *s = be_xs_read_str(xs, dir, key), *end;
	unsigned long long v;
	int r = 0;

	if (!s)
		return -ENOENT;
	errno = 0;
	v = strtoull(s, &end, 10);
	/* guest-written: digits only, no sign, no trailing junk */
	if (s[0] < '0' || s[0] > '9' || *end || errno || v > max)
		r = -EINVAL;
	else
		*val = v;
	free(s);
	return r;
}

int be_xenbus_switch(struct be_dev *d, struct xs *xs, enum xenbus_state s)
{
	int r;

	if (d->state == s)
		return 0;
	r = be_xs_printf(xs, d->bpath, "state", "%d", s);
	if (r < 0) {
		mon_warn("%s: cannot write state %s: %s", d->name,
			 be_xenbus_state_name(s), strerror(-r));
		return r;
	}
	mon_dbg("%s: backend %s -> %s", d->name,
		be_xenbus_state_name(d->state), be_xenbus_state_name(s));
	d->state = s;
	return 0;
}

static void do_disconnect(struct be_dev *d)
{
	if (!d->connected)
		return;
	d->ops->disconnect(d);
	d->connected = false;
}

static void do_connect(struct be_dev *d, struct xs *xs)
{
	int r;

	/* a new connection may fault again (and be logged again) */
	__atomic_store_n(&d->fault, 0, __ATOMIC_RELEASE);
	r = d->ops->connect(d, xs);

	if (r < 0) {
		/*
		 * The backend logged what was wrong with the frontend.  As
		 * after a fault, no InitWait by itself once Closed: bad keys
		 * would otherwise retry (and log) in a loop.
		 */
		__atomic_store_n(&d->fault, 2, __ATOMIC_RELEASE);
		be_xenbus_switch(d, xs, XB_CLOSING);
		return;
	}
	d->connected = true;
	d->connects++;
	be_xenbus_switch(d, xs, XB_CONNECTED);
}

void be_xenbus_frontend_changed(struct be_dev *d, struct xs *xs,
				enum xenbus_state fs)
{
	enum xenbus_state old = d->fstate;

	d->fstate = fs;
	if (fs != old)
		mon_dbg("%s: frontend %s -> %s", d->name,
			be_xenbus_state_name(old), be_xenbus_state_name(fs));
	switch (fs) {
	case XB_INITIALISING:
		/* a new driver instance: the old connection is stale */
		if (d->state == XB_INITWAIT)
			break;
		do_disconnect(d);
		be_xenbus_switch(d, xs, XB_INITWAIT);
		break;
	case XB_INITIALISED:
	case XB_CONNECTED:
		/*
		 * Two watch events may come as one read: Connected without
		 * our seeing Initialised.  InitWait connects, and so does
		 * a re-armed Connected (rearm_state) with no connection;
		 * once Closing, the frontend has to start over.
		 */
		if (d->state == XB_INITWAIT ||
		    (d->state == XB_CONNECTED && !d->connected))
			do_connect(d, xs);
		break;
	case XB_CLOSING:
		do_disconnect(d);
		be_xenbus_switch(d, xs, XB_CLOSING);
		break;
	case XB_CLOSED:
	case XB_UNKNOWN:	/* the frontend's node went away */
		do_disconnect(d);
		be_xenbus_switch(d, xs, XB_CLOSED);
		/*
		 * Ready for the driver's next instance (unbind/bind, module
		 * reload), which may stay Closed and wait for us: see
		 * be_ops.rearm_state.  Not after a fault or a failed
		 * connect: the guest then has to start over with
		 * Initialising, so a broken frontend cannot loop by itself.
		 */
		if (fs == XB_CLOSED && !__atomic_load_n(&d->fault,
							 __ATOMIC_ACQUIRE))
			be_xenbus_switch(d, xs, d->ops->rearm_state ?
					 d->ops->rearm_state : XB_INITWAIT);
		break;
	default:		/* Reconfiguring: not used by these devices */
		break;
	}
}

void be_xenbus_fault(struct be_dev *d, struct xs *xs)
{
	do_disconnect(d);
	be_xenbus_switch(d, xs, XB_CLOSING);
}

static void frontend_state_watch(struct xs *xs, const char *path,
				 void *opaque)
{
	struct be_dev *d = opaque;
	uint64_t v;

	/* garbage in the guest's node counts as the node being gone */
	if (be_xs_read_uint(xs, d->fpath, "state", XB_RECONFIGURED, &v) < 0)
		v = XB_UNKNOWN;
	if (v == XB_UNKNOWN && d->fstate == XB_UNKNOWN)
		return;
	be_xenbus_frontend_changed(d, xs, v);
}

static int state_path(const struct be_dev *d, char *p, size_t len)
{
	return snprintf(p, len, "%s/state", d->fpath) >= (int)len ?
	       -ENAMETOOLONG : 0;
}

int be_xenbus_publish(struct be_dev *d, struct xs *xs)
{
	char perms[32], path[192];
	int r = 0;

	snprintf(perms, sizeof(perms), "n%u", d->env->domid);
	r |= xs_mkdir(xs, d->fpath);
	r |= xs_set_perms(xs, d->fpath, perms);
	r |= be_xs_printf(xs, d->fpath, "backend", "%s", d->bpath);
	r |= be_xs_printf(xs, d->fpath, "backend-id", "0");
	r |= be_xs_printf(xs, d->fpath, "state", "%d", XB_INITIALISING);
	snprintf(perms, sizeof(perms), "n0,r%u", d->env->domid);
	r |= xs_mkdir(xs, d->bpath);
	r |= xs_set_perms(xs, d->bpath, perms);
	r |= be_xs_printf(xs, d->bpath, "frontend", "%s", d->fpath);
	r |= be_xs_printf(xs, d->bpath, "frontend-id", "%u", d->env->domid);
	r |= be_xs_printf(xs, d->bpath, "online", "1");
	if (r)
		return -EIO;
	if (d->ops->features) {
		r = d->ops->features(d, xs);
		if (r < 0)
			return r;
	}
	d->state = XB_UNKNOWN;
	d->fstate = XB_INITIALISING;
	r = be_xenbus_switch(d, xs, XB_INITWAIT);
	if (!r)
		r = state_path(d, path, sizeof(path));
	if (!r)
		r = xs_watch(xs, path, frontend_state_watch, d);
	if (!r)
		d->watching = true;
	return r;
}

void be_xenbus_unpublish(struct be_dev *d, struct xs *xs)
{
	char path[192];

	if (d->watching && !state_path(d, path, sizeof(path)))
		xs_unwatch(xs, path, frontend_state_watch, d);
	d->watching = false;
	do_disconnect(d);
	xs_rm(xs, d->fpath);
	xs_rm(xs, d->bpath);
}
