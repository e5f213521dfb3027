// SPDX-License-Identifier: GPL-2.0
/* The SDL window's letterbox, pointer and dirty-rectangle arithmetic. */
#include <string.h>

#include "devices/fe_sdl_geom.h"

void fe_letterbox(int out_w, int out_h, uint32_t sw, uint32_t sh,
		  struct fe_box *dst)
{
	memset(dst, 0, sizeof(*dst));
	if (out_w <= 0 || out_h <= 0 || !sw || !sh)
		return;
	/* 64-bit products: a 16k window times a 16k mode fits easily */
	if ((uint64_t)out_w * sh <= (uint64_t)out_h * sw) {
		/* the window is taller than the screen: bars above, below */
		dst->w = out_w;
		dst->h = ((uint64_t)out_w * sh + sw / 2) / sw;
		if (dst->h > out_h)
			dst->h = out_h;
	} else {
		dst->h = out_h;
		dst->w = ((uint64_t)out_h * sw + sh / 2) / sh;
		if (dst->w > out_w)
			dst->w = out_w;
	}
	if (!dst->w)
		dst->w = 1;
	if (!dst->h)
		dst->h = 1;
	dst->x = (out_w - dst->w) / 2;
	dst->y = (out_h - dst->h) / 2;
}

static int scale_clamp(int v, int origin, int len, uint32_t size)
{
	int64_t p;

	if (len <= 0 || !size || v < origin)
		return 0;
	p = (int64_t)(v - origin) * size / len;
	return p >= size ? (int)size - 1 : (int)p;
}

void fe_to_surface(const struct fe_box *dst, uint32_t sw, uint32_t sh,
		   int wx, int wy, int *sx, int *sy)
{
	*sx = scale_clamp(wx, dst->x, dst->w, sw);
	*sy = scale_clamp(wy, dst->y, dst->h, sh);
}

void fe_dirty_clear(struct fe_dirty *d)
{
	d->n = 0;
}

static void unite(struct display_rect *a, const struct display_rect *b)
{
	uint32_t x1 = a->x + a->w, y1 = a->y + a->h;

	if (b->x + b->w > x1)
		x1 = b->x + b->w;
	if (b->y + b->h > y1)
		y1 = b->y + b->h;
	if (b->x < a->x)
		a->x = b->x;
	if (b->y < a->y)
		a->y = b->y;
	a->w = x1 - a->x;
	a->h = y1 - a->y;
}

static int contains(const struct display_rect *a, const struct display_rect *b)
{
	return b->x >= a->x && b->y >= a->y &&
	       b->x + b->w <= a->x + a->w && b->y + b->h <= a->y + a->h;
}

void fe_dirty_add(struct fe_dirty *d, const struct display_rect *r,
		  uint32_t sw, uint32_t sh)
{
	struct display_rect c;

	/* clamp without overflow: the rectangle comes from the guest side */
	if (r->x >= sw || r->y >= sh || !r->w || !r->h)
		return;
	c.x = r->x;
	c.y = r->y;
	c.w = r->w > sw - r->x ? sw - r->x : r->w;
	c.h = r->h > sh - r->y ? sh - r->y : r->h;

	for (unsigned int i = 0; i < d->n; i++) {
		if (contains(&d->r[i], &c))
			return;
		if (contains(&c, &d->r[i])) {
			d->r[i] = c;
			return;
		}
	}
	if (d->n < FE_DIRTY_MAX) {
		d->r[d->n++] = c;
		return;
	}
	/* full: one rectangle around everything, the upload stays bounded */
	for (unsigned int i = 1; i < d->n; i++)
		unite(&d->r[0], &d->r[i]);
	unite(&d->r[0], &c);
	d->n = 1;
}

void fe_dirty_all(struct fe_dirty *d, uint32_t sw, uint32_t sh)
{
	d->n = 0;
	if (!sw || !sh)
		return;
	d->r[0] = (struct display_rect){ 0, 0, sw, sh };
	d->n = 1;
}
