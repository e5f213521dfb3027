// SPDX-License-Identifier: GPL-2.0
/*
 * vfb backend: Linux's xen-fbfront unmodified [drivers/video/fbdev/
 * xen-fbfront.c; xen/include/public/io/fbif.h; xen-abi.md G.5].
 *
 * The frontend writes page-ref (the GFN of its struct xenfb_page, not a
 * grant), event-channel, protocol and feature-update, then goes
 * Initialised.  The shared page holds the mode and pd[]: GFNs of pages
 * that each list 512 GFNs of the framebuffer (vmalloc'ed, so scattered).
 * We read that directory once at connect and keep a host pointer per
 * framebuffer page; the pixels are read in place from guest RAM, only the
 * rectangles the guest reports (request-update=1 makes fbfront send
 * XENFB_TYPE_UPDATE), converted into the display's XRGB8888 surface.  A
 * static screen costs nothing: no timer, no polling.
 *
 * feature-resize=1 lets the guest change mode (XENFB_TYPE_RESIZE) within
 * the width, height and videoram we offer; anything larger, a stride
 * shorter than a row, a mode that does not fit its mem_length, is refused
 * and the old mode kept.  Update rectangles are clamped to the mode.
 * An out-ring whose out_prod runs more than a ring ahead faults the device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_port.h"
#include "devices/be_xenbus.h"
#include "devices/display_core.h"
#include "monitor/log.h"

/* struct xenfb_page [fbif.h] */
#define FB_IN_CONS	0
#define FB_IN_PROD	4
#define FB_OUT_CONS	8
#define FB_OUT_PROD	12
#define FB_WIDTH	16
#define FB_HEIGHT	20
#define FB_LINE_LENGTH	24
#define FB_MEM_LENGTH	28
#define FB_DEPTH	32
#define FB_PD		40
#define FB_PD_MAX	256
#define FB_EVENT_SIZE	40
#define FB_OUT_RING	2048
#define FB_OUT_RING_LEN	(2048 / FB_EVENT_SIZE)	/* 51: not a power of 2 */

#define XENFB_TYPE_UPDATE	2
#define XENFB_TYPE_RESIZE	3

struct vfb_mode {
	uint32_t width, height, stride, depth, offset;
};

struct vfb_dev {
	struct be_dev *dev;
	struct display *disp;
	struct be_worker w;
	struct be_port port;
	uint8_t *page;			/* the shared xenfb_page */
	uint8_t **fb;			/* host address of each fb page */
	uint32_t nr_fb_pages;
	uint32_t mem_length;
	uint32_t out_cons;		/* ours; written back to the page */
	struct vfb_mode mode;
	struct display_surface *surf;	/* what we draw into */
	struct display_dirty dd;
	uint64_t updates, resizes, refused;
	char name[32];
};

static uint32_t rd32(const uint8_t *p, size_t off)
{
	return __atomic_load_n((const uint32_t *)(p + off), __ATOMIC_RELAXED);
}

static int vfb_features(struct be_dev *d, struct xs *xs)
{
	struct vfb_dev *v = d->priv;
	const struct display_config *c = display_config(v->disp);
	int r = 0;

	r |= be_xs_printf(xs, d->bpath, "feature-resize", "1");
	r |= be_xs_printf(xs, d->bpath, "request-update", "1");
	r |= be_xs_printf(xs, d->bpath, "width", "%u", c->width);
	r |= be_xs_printf(xs, d->bpath, "height", "%u", c->height);
	r |= be_xs_printf(xs, d->bpath, "videoram", "%u", c->videoram);
	return r ? -EIO : 0;
}

/*
 * A mode is usable when every row it shows lies inside the framebuffer
 * the guest gave us, and within what we offered.
 */
static bool mode_ok(struct vfb_dev *v, const struct vfb_mode *m)
{
	const struct display_config *c = display_config(v->disp);
	uint64_t bpp = m->depth / 8, end;

	if (m->depth != 16 && m->depth != 24 && m->depth != 32)
		return false;
	if (!m->width || !m->height || m->width > c->width ||
	    m->height > c->height)
		return false;
	if (m->stride < m->width * bpp)
		return false;
	end = m->offset + (uint64_t)m->stride * (m->height - 1) +
	      m->width * bpp;
	return end <= v->mem_length;
}

/* Bytes [off, off + len) of the framebuffer into @dst. */
static void fb_read(struct vfb_dev *v, uint64_t off, uint8_t *dst, size_t len)
{
	while (len) {
		size_t in = off & 4095, n = 4096 - in;

		if (n > len)
			n = len;
		memcpy(dst, v->fb[off >> 12] + in, n);
		dst += n;
		off += n;
		len -= n;
	}
}

static void copy_rect(struct vfb_dev *v, const struct display_rect *r)
{
	const struct vfb_mode *m = &v->mode;
	uint32_t bpp = m->depth / 8;
	uint8_t tmp[DISPLAY_MAX_DIM * 3];

	for (uint32_t y = r->y; y < r->y + r->h; y++) {
		uint64_t off = m->offset + (uint64_t)y * m->stride +
			       (uint64_t)r->x * bpp;
		uint32_t *dst = (uint32_t *)(v->surf->pixels +
					     (size_t)y * v->surf->stride) + r->x;

		if (bpp == 4) {	/* fbfront's 32 bpp is XRGB8888 already */
			fb_read(v, off, (uint8_t *)dst, (size_t)r->w * 4);
			continue;
		}
		fb_read(v, off, tmp, (size_t)r->w * bpp);
		for (uint32_t x = 0; x < r->w; x++) {
			if (bpp == 3) {
				dst[x] = tmp[3 * x] | tmp[3 * x + 1] << 8 |
					 tmp[3 * x + 2] << 16;
			} else {	/* RGB565 */
				uint32_t p = tmp[2 * x] | tmp[2 * x + 1] << 8;
				uint32_t r5 = p >> 11, g6 = (p >> 5) & 63,
					 b5 = p & 31;

				dst[x] = (r5 << 3 | r5 >> 2) << 16 |
					 (g6 << 2 | g6 >> 4) << 8 |
					 (b5 << 3 | b5 >> 2);
			}
		}
	}
}

static bool set_mode(struct vfb_dev *v, const struct vfb_mode *m)
{
	struct display_surface *s;

	if (!mode_ok(v, m))
		return false;
	s = display_set_mode(v->disp, m->width, m->height, m->depth);
	if (!s)
		return false;
	display_surface_put(v->surf);
	v->surf = s;
	v->mode = *m;
	display_dirty_clear(&v->dd);
	display_dirty_add(&v->dd, 0, 0, m->width, m->height, m->width,
			  m->height);
	return true;
}

static void handle_event(struct vfb_dev *v, const uint8_t *ev)
{
	int32_t a[5];

	memcpy(a, ev + 4, sizeof(a));
	switch (ev[0]) {
	case XENFB_TYPE_UPDATE:
		v->updates++;
		display_dirty_add(&v->dd, a[0], a[1], a[2], a[3],
				  v->mode.width, v->mode.height);
		break;
	case XENFB_TYPE_RESIZE: {
		struct vfb_mode m = {
			.width = a[0], .height = a[1], .stride = a[2],
			.depth = a[3], .offset = a[4],
		};

		if (a[0] <= 0 || a[1] <= 0 || a[2] <= 0 || a[4] < 0 ||
		    !set_mode(v, &m)) {
			if (!v->refused++)
				mon_warn("%s: guest mode %dx%d, stride %d, "
					 "depth %d, offset %d refused (at most "
					 "%ux%u in %u bytes of framebuffer); "
					 "the old mode stays", v->name, a[0],
					 a[1], a[2], a[3], a[4],
					 display_config(v->disp)->width,
					 display_config(v->disp)->height,
					 v->mem_length);
		} else {
			v->resizes++;
			mon_dbg("%s: mode %ux%u depth %u", v->name, m.width,
				m.height, m.depth);
		}
		break;
	}
	default:	/* fbif.h: unknown events are ignored */
		break;
	}
}

static void vfb_work(struct be_worker *w, bool notified, short extra)
{
	struct vfb_dev *v = w->opaque;
	uint32_t prod, n = 0;

	if (v->dev->fault)
		return;
	prod = __atomic_load_n((uint32_t *)(v->page + FB_OUT_PROD),
			       __ATOMIC_ACQUIRE);
	if (prod - v->out_cons > FB_OUT_RING_LEN) {
		be_dev_fault(v->dev, "out_prod ran past the event ring");
		return;
	}
	for (; v->out_cons != prod; v->out_cons++, n++) {
		uint8_t ev[FB_EVENT_SIZE];

		memcpy(ev, v->page + FB_OUT_RING +
		       (v->out_cons % FB_OUT_RING_LEN) * FB_EVENT_SIZE,
		       sizeof(ev));
		handle_event(v, ev);
	}
	__atomic_store_n((uint32_t *)(v->page + FB_OUT_CONS), v->out_cons,
			 __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < v->dd.n; i++)
		copy_rect(v, &v->dd.r[i]);
	display_flush(v->disp, &v->dd);
	display_dirty_clear(&v->dd);
	/* fbfront keeps a rectangle it could not queue until we notify */
	if (n)
		be_worker_kick(w);
}

static void vfb_disconnect(struct be_dev *d)
{
	struct vfb_dev *v = d->priv;

	if (be_worker_running(&v->w))
		be_worker_stop(&v->w);
	be_port_close(d, &v->port);
	free(v->fb);
	v->fb = NULL;
	v->page = NULL;
	display_surface_put(v->surf);
	v->surf = NULL;
	if (v->updates || v->resizes)
		mon_dbg("%s: disconnected after %llu updates, %llu resizes",
			v->name, (unsigned long long)v->updates,
			(unsigned long long)v->resizes);
}

/* pd[] → one host pointer per framebuffer page, checked once. */
static int map_fb(struct vfb_dev *v)
{
	uint32_t per_dir = 4096 / 8;
	uint32_t nr_dirs;

	v->nr_fb_pages = (v->mem_length + 4095) / 4096;
	nr_dirs = (v->nr_fb_pages + per_dir - 1) / per_dir;
	if (!v->nr_fb_pages || nr_dirs > FB_PD_MAX)
		return -EINVAL;
	v->fb = calloc(v->nr_fb_pages, sizeof(*v->fb));
	if (!v->fb)
		return -ENOMEM;
	for (uint32_t i = 0; i < v->nr_fb_pages; i++) {
		uint64_t dgfn, gfn;
		const uint8_t *dir;

		memcpy(&dgfn, v->page + FB_PD + (i / per_dir) * 8, 8);
		dir = be_gfn_page(v->dev->env, dgfn);
		if (!dir) {
			mon_warn("%s: page directory %u (gfn %#llx) is not "
				 "guest RAM", v->name, i / per_dir,
				 (unsigned long long)dgfn);
			return -EINVAL;
		}
		memcpy(&gfn, dir + (i % per_dir) * 8, 8);
		v->fb[i] = be_gfn_page(v->dev->env, gfn);
		if (!v->fb[i]) {
			mon_warn("%s: framebuffer page %u (gfn %#llx) is not "
				 "guest RAM", v->name, i,
				 (unsigned long long)gfn);
			return -EINVAL;
		}
	}
	return 0;
}

static int vfb_connect(struct be_dev *d, struct xs *xs)
{
	struct vfb_dev *v = d->priv;
	const struct display_config *c = display_config(v->disp);
	struct vfb_mode m;
	uint64_t gfn;

	if (be_check_protocol(d, xs))
		return -EINVAL;
	if (be_xs_read_uint(xs, d->fpath, "page-ref", UINT64_MAX, &gfn) ||
	    !(v->page = be_gfn_page(d->env, gfn))) {
		mon_warn("%s: frontend page-ref missing or not guest RAM",
			 d->name);
		return -EINVAL;
	}
	v->mem_length = rd32(v->page, FB_MEM_LENGTH);
	if (v->mem_length > (uint64_t)c->videoram << 20) {
		mon_warn("%s: the guest's framebuffer of %u bytes is larger "
			 "than videoram=%u MiB: refused", d->name,
			 v->mem_length, c->videoram);
		goto fail;
	}
	if (map_fb(v)) {
		mon_warn("%s: the guest's framebuffer pages are unusable",
			 d->name);
		goto fail;
	}
	m = (struct vfb_mode){
		.width = rd32(v->page, FB_WIDTH),
		.height = rd32(v->page, FB_HEIGHT),
		.stride = rd32(v->page, FB_LINE_LENGTH),
		.depth = v->page[FB_DEPTH],
	};
	if (!set_mode(v, &m)) {
		mon_warn("%s: the guest's mode %ux%u, stride %u, depth %u does "
			 "not fit (at most %ux%u, %u bytes of framebuffer)",
			 d->name, m.width, m.height, m.stride, m.depth,
			 c->width, c->height, v->mem_length);
		goto fail;
	}
	v->out_cons = rd32(v->page, FB_OUT_CONS);
	if (be_port_open(d, xs, d->fpath, &v->port))
		goto fail;
	v->w = (struct be_worker){
		.name = v->name, .notify_fd = v->port.efd[0],
		.kick_fd = v->port.efd[1], .work = vfb_work, .opaque = v,
	};
	if (be_worker_start(&v->w))
		goto fail;
	/* a resize may be queued before request-update was seen */
	be_worker_wake(&v->w);
	mon_dbg("%s: connected: %ux%u depth %u, %u bytes of framebuffer",
		d->name, m.width, m.height, m.depth, v->mem_length);
	return 0;
fail:
	vfb_disconnect(d);
	return -EINVAL;
}

static void vfb_free(struct be_dev *d)
{
	free(d->priv);
}

static const struct be_ops vfb_ops = {
	.type = "vfb",
	.features = vfb_features,
	.connect = vfb_connect,
	.disconnect = vfb_disconnect,
	.free = vfb_free,
};

static int vfb_probe(struct be_env *env, char *err, size_t errlen)
{
	struct display *disp = display_get();
	struct vfb_dev *v;

	if (!disp)		/* headless: no device, no thread */
		return 0;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->disp = disp;
	v->port.efd[0] = v->port.efd[1] = -1;
	snprintf(v->name, sizeof(v->name), "vfb/0");
	v->dev = be_dev_add(env, &vfb_ops, 0, v);
	if (!v->dev) {
		free(v);
		return -ENOMEM;
	}
	return 0;
}

static struct be_backend vfb_backend = { .name = "vfb", .probe = vfb_probe };
BE_BACKEND(vfb_backend)
