// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty rectangles of the display core: the guest's XENFB_TYPE_UPDATE
 * rectangles [xen/include/public/io/fbif.h] are guest values (int32, any
 * sign), so each is clamped to the screen first; then they are coalesced
 * so a front end gets a few rectangles per batch, not one per glyph, and
 * never more than DISPLAY_MAX_RECTS.
 */
#include "devices/display_core.h"

static uint64_t area(const struct display_rect *r)
{
	return (uint64_t)r->w * r->h;
}

static struct display_rect unite(const struct display_rect *a,
				 const struct display_rect *b)
{
	uint32_t x0 = a->x < b->x ? a->x : b->x;
	uint32_t y0 = a->y < b->y ? a->y : b->y;
	uint32_t x1 = a->x + a->w > b->x + b->w ? a->x + a->w : b->x + b->w;
	uint32_t y1 = a->y + a->h > b->y + b->h ? a->y + a->h : b->y + b->h;

	return (struct display_rect){ x0, y0, x1 - x0, y1 - y0 };
}

/* Area the union adds beyond the two rectangles (0 or less: worth it). */
static int64_t waste(const struct display_rect *a, const struct display_rect *b)
{
	struct display_rect u = unite(a, b);

	return (int64_t)area(&u) - (int64_t)area(a) - (int64_t)area(b);
}

static void drop(struct display_dirty *dd, unsigned int i)
{
	dd->r[i] = dd->r[--dd->n];
}

bool display_dirty_add(struct display_dirty *dd, int64_t x, int64_t y,
		       int64_t w, int64_t h, uint32_t sw, uint32_t sh)
{
	int64_t x1, y1;
	struct display_rect n;
	bool merged;

	if (w <= 0 || h <= 0 || x >= sw || y >= sh)
		return false;
	x1 = x + w;
	y1 = y + h;
	if (x1 <= 0 || y1 <= 0)
		return false;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > sw)
		x1 = sw;
	if (y1 > sh)
		y1 = sh;
	n = (struct display_rect){ x, y, x1 - x, y1 - y };

	/* absorb every rectangle that overlaps or touches it cheaply */
	do {
		merged = false;
		for (unsigned int i = 0; i < dd->n; i++) {
			if (waste(&dd->r[i], &n) > 0)
				continue;
			n = unite(&dd->r[i], &n);
			drop(dd, i);
			merged = true;
			break;
		}
	} while (merged);

	if (dd->n == DISPLAY_MAX_RECTS) {
		/* full: merge the pair (the new one included) growing least */
		unsigned int bi = 0, bj = DISPLAY_MAX_RECTS;
		int64_t best = INT64_MAX;

		for (unsigned int i = 0; i < dd->n; i++) {
			int64_t c = waste(&dd->r[i], &n);

			if (c < best) {
				best = c;
				bi = i;
				bj = DISPLAY_MAX_RECTS;
			}
			for (unsigned int j = i + 1; j < dd->n; j++) {
				c = waste(&dd->r[i], &dd->r[j]);
				if (c < best) {
					best = c;
					bi = i;
					bj = j;
				}
			}
		}
		if (bj == DISPLAY_MAX_RECTS) {
			n = unite(&dd->r[bi], &n);
			drop(dd, bi);
		} else {
			dd->r[bi] = unite(&dd->r[bi], &dd->r[bj]);
			drop(dd, bj);
		}
		/* the grown one may now cover others: add it again */
		if (bj == DISPLAY_MAX_RECTS)
			return display_dirty_add(dd, n.x, n.y, n.w, n.h, sw, sh);
	}
	dd->r[dd->n++] = n;
	return true;
}

uint64_t display_dirty_area(const struct display_dirty *dd)
{
	uint64_t a = 0;

	for (unsigned int i = 0; i < dd->n; i++)
		a += area(&dd->r[i]);
	return a;
}
