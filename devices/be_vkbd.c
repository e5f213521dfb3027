// SPDX-License-Identifier: GPL-2.0
/*
 * vkbd backend: Linux's xen-kbdfront unmodified [drivers/input/misc/
 * xen-kbdfront.c; xen/include/public/io/kbdif.h; xen-abi.md G.6].
 *
 * We offer feature-abs-pointer and the absolute range (width, height:
 * kbdfront sets ABS_X/ABS_Y to 0..width/height from them); the frontend
 * answers request-abs-pointer=1 when it takes absolute positions, else
 * the display core sends relative motion.  The frontend grants its
 * xenkbd_page (page-gref; page-ref is the GFN, used only by old
 * frontends without a grant) and an event channel.  The in-ring carries
 * our events: keys and buttons as Linux key codes (KEY), absolute
 * positions (POS), relative motion (MOTION); the wheel rides in rel_z,
 * which kbdfront reports as -REL_WHEEL.
 *
 * Front ends call in from their own threads; events go straight into the
 * ring under a lock.  When the guest does not consume (ring full), up to
 * VKBD_BACKLOG events wait and go out when it notifies us; beyond that
 * they are dropped, so a stuck guest costs a bounded amount of memory.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_port.h"
#include "devices/be_xenbus.h"
#include "devices/display_core.h"
#include "monitor/log.h"

/* struct xenkbd_page [kbdif.h] */
#define KB_IN_CONS	0
#define KB_IN_PROD	4
#define KB_IN_RING	1024
#define KB_EVENT_SIZE	40
#define KB_IN_RING_LEN	(2048 / KB_EVENT_SIZE)	/* 51 */

#define XENKBD_TYPE_MOTION	1
#define XENKBD_TYPE_KEY		3
#define XENKBD_TYPE_POS		4

#define VKBD_BACKLOG	256

struct vkbd_dev {
	struct be_dev *dev;
	struct display *disp;
	struct be_worker w;
	struct be_port port;
	uint8_t *page;
	uint32_t gref;
	bool granted;
	bool abs;
	pthread_mutex_t lock;		/* ring producer side, backlog */
	bool live;			/* connected and accepting events */
	uint32_t in_prod;		/* ours */
	uint8_t backlog[VKBD_BACKLOG][KB_EVENT_SIZE];
	unsigned int bl_head, bl_len;
	uint64_t sent, dropped;
	char name[32];
};

static int vkbd_features(struct be_dev *d, struct xs *xs)
{
	struct vkbd_dev *k = d->priv;
	const struct display_config *c = display_config(k->disp);
	int r = 0;

	r |= be_xs_printf(xs, d->bpath, "feature-abs-pointer", "1");
	r |= be_xs_printf(xs, d->bpath, "width", "%u", c->width);
	r |= be_xs_printf(xs, d->bpath, "height", "%u", c->height);
	return r ? -EIO : 0;
}

/* Free slots in the guest's ring; its in_cons is only a hint to us. */
static uint32_t ring_space(struct vkbd_dev *k)
{
	uint32_t cons = __atomic_load_n((uint32_t *)(k->page + KB_IN_CONS),
					__ATOMIC_ACQUIRE);
	uint32_t used = k->in_prod - cons;

	return used > KB_IN_RING_LEN ? 0 : KB_IN_RING_LEN - used;
}

static void ring_put(struct vkbd_dev *k, const uint8_t *ev)
{
	memcpy(k->page + KB_IN_RING + (k->in_prod % KB_IN_RING_LEN) *
	       KB_EVENT_SIZE, ev, KB_EVENT_SIZE);
	k->in_prod++;
	k->sent++;
}

/* Backlog first, then as much as fits; lock held.  true: kick. */
static bool flush_locked(struct vkbd_dev *k)
{
	uint32_t space = ring_space(k);
	bool any = false;

	while (k->bl_len && space--) {
		ring_put(k, k->backlog[k->bl_head]);
		k->bl_head = (k->bl_head + 1) % VKBD_BACKLOG;
		k->bl_len--;
		any = true;
	}
	if (any)
		__atomic_store_n((uint32_t *)(k->page + KB_IN_PROD),
				 k->in_prod, __ATOMIC_RELEASE);
	return any;
}

static void send_event(struct vkbd_dev *k, const uint8_t *ev)
{
	bool kick = false;

	pthread_mutex_lock(&k->lock);
	if (k->live) {
		if (k->bl_len < VKBD_BACKLOG) {
			memcpy(k->backlog[(k->bl_head + k->bl_len) %
					  VKBD_BACKLOG], ev, KB_EVENT_SIZE);
			k->bl_len++;
		} else if (!k->dropped++) {
			mon_warn("%s: the guest does not take input events; "
				 "dropping them", k->name);
		}
		kick = flush_locked(k);
	}
	pthread_mutex_unlock(&k->lock);
	if (kick)
		be_worker_kick(&k->w);
}

static void ev_key(void *opaque, unsigned int code, bool down)
{
	uint8_t ev[KB_EVENT_SIZE] = { XENKBD_TYPE_KEY, down };
	uint32_t c = code;

	memcpy(ev + 4, &c, 4);
	send_event(opaque, ev);
}

static void ev_xyz(void *opaque, uint8_t type, int x, int y, int z)
{
	uint8_t ev[KB_EVENT_SIZE] = { type };
	int32_t v[3] = { x, y, z };

	memcpy(ev + 4, v, sizeof(v));
	send_event(opaque, ev);
}

static void ev_abs(void *opaque, int x, int y, int z)
{
	ev_xyz(opaque, XENKBD_TYPE_POS, x, y, z);
}

static void ev_rel(void *opaque, int dx, int dy, int z)
{
	if (dx || dy || z)
		ev_xyz(opaque, XENKBD_TYPE_MOTION, dx, dy, z);
}

static const struct display_input_ops vkbd_input = {
	.key = ev_key, .abs = ev_abs, .rel = ev_rel,
};

/* The guest consumed: room for the backlog. */
static void vkbd_work(struct be_worker *w, bool notified, short extra)
{
	struct vkbd_dev *k = w->opaque;
	bool kick;

	pthread_mutex_lock(&k->lock);
	kick = k->live && flush_locked(k);
	pthread_mutex_unlock(&k->lock);
	if (kick)
		be_worker_kick(w);
}

static void vkbd_disconnect(struct be_dev *d)
{
	struct vkbd_dev *k = d->priv;

	display_set_input(k->disp, NULL, NULL, false, 0, 0);
	pthread_mutex_lock(&k->lock);
	k->live = false;
	k->bl_len = 0;
	pthread_mutex_unlock(&k->lock);
	if (be_worker_running(&k->w))
		be_worker_stop(&k->w);
	be_port_close(d, &k->port);
	if (k->granted)
		be_grant_put(&d->env->gnttab, k->gref, true);
	k->granted = false;
	k->page = NULL;
	if (k->sent)
		mon_dbg("%s: disconnected after %llu events (%llu dropped)",
			k->name, (unsigned long long)k->sent,
			(unsigned long long)k->dropped);
}

static int map_page(struct vkbd_dev *k, struct xs *xs)
{
	struct be_dev *d = k->dev;
	uint64_t v;
	void *page;

	if (!be_xs_read_uint(xs, d->fpath, "page-gref", UINT32_MAX, &v)) {
		if (be_grant_get(&d->env->gnttab, v, true, &page)) {
			mon_warn("%s: page grant %llu is not usable", d->name,
				 (unsigned long long)v);
			return -EINVAL;
		}
		k->gref = v;
		k->granted = true;
		k->page = page;
		return 0;
	}
	if (be_xs_read_uint(xs, d->fpath, "page-ref", UINT64_MAX, &v) ||
	    !(k->page = be_gfn_page(d->env, v))) {
		mon_warn("%s: frontend page-gref/page-ref missing or bad",
			 d->name);
		return -EINVAL;
	}
	return 0;
}

static int vkbd_connect(struct be_dev *d, struct xs *xs)
{
	struct vkbd_dev *k = d->priv;
	const struct display_config *c = display_config(k->disp);
	uint64_t abs = 0;

	if (map_page(k, xs))
		return -EINVAL;
	be_xs_read_uint(xs, d->fpath, "request-abs-pointer", 1, &abs);
	k->abs = abs;
	if (be_port_open(d, xs, d->fpath, &k->port))
		goto fail;
	k->w = (struct be_worker){
		.name = k->name, .notify_fd = k->port.efd[0],
		.kick_fd = k->port.efd[1], .work = vkbd_work, .opaque = k,
	};
	if (be_worker_start(&k->w))
		goto fail;
	pthread_mutex_lock(&k->lock);
	k->in_prod = __atomic_load_n((uint32_t *)(k->page + KB_IN_PROD),
				     __ATOMIC_ACQUIRE);
	k->bl_head = k->bl_len = 0;
	k->live = true;
	pthread_mutex_unlock(&k->lock);
	display_set_input(k->disp, &vkbd_input, k, k->abs, c->width,
			  c->height);
	mon_dbg("%s: connected, %s pointer", d->name,
		k->abs ? "absolute" : "relative");
	return 0;
fail:
	vkbd_disconnect(d);
	return -EINVAL;
}

static void vkbd_free(struct be_dev *d)
{
	struct vkbd_dev *k = d->priv;

	pthread_mutex_destroy(&k->lock);
	free(k);
}

static const struct be_ops vkbd_ops = {
	.type = "vkbd",
	.features = vkbd_features,
	.connect = vkbd_connect,
	.disconnect = vkbd_disconnect,
	.free = vkbd_free,
};

static int vkbd_probe(struct be_env *env, char *err, size_t errlen)
{
	struct display *disp = display_get();
	struct vkbd_dev *k;

	if (!disp)		/* headless: no device, no thread */
		return 0;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->disp = disp;
	k->port.efd[0] = k->port.efd[1] = -1;
	pthread_mutex_init(&k->lock, NULL);
	snprintf(k->name, sizeof(k->name), "vkbd/0");
	k->dev = be_dev_add(env, &vkbd_ops, 0, k);
	if (!k->dev) {
		pthread_mutex_destroy(&k->lock);
		free(k);
		return -ENOMEM;
	}
	return 0;
}

static struct be_backend vkbd_backend = {
	.name = "vkbd", .probe = vkbd_probe,
};
BE_BACKEND(vkbd_backend)
