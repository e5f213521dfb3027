/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SDL window's arithmetic, kept apart from SDL so that it is
 * unit-tested: the letterbox (the guest's screen scaled into the window
 * with its aspect kept, centred, black bars around it), window to
 * surface coordinates for the absolute pointer, and the dirty rectangles
 * gathered between two redraws.
 */
#ifndef HXEN_FE_SDL_GEOM_H
#define HXEN_FE_SDL_GEOM_H

#include <stdint.h>

#include "devices/display.h"

struct fe_box {
	int x, y, w, h;
};

/*
 * Where a @sw x @sh surface goes in an @out_w x @out_h window: as large
 * as fits with the aspect kept, centred.  An empty box when either has no
 * area.
 */
void fe_letterbox(int out_w, int out_h, uint32_t sw, uint32_t sh,
		  struct fe_box *dst);

/*
 * The surface pixel under window point (@wx, @wy), the surface drawn in
 * @dst: clamped to the surface, so a pointer on the bars is at the edge.
 */
void fe_to_surface(const struct fe_box *dst, uint32_t sw, uint32_t sh,
		   int wx, int wy, int *sx, int *sy);

/* Rectangles to upload at the next redraw: a few, else their union. */
#define FE_DIRTY_MAX	32

struct fe_dirty {
	unsigned int n;
	struct display_rect r[FE_DIRTY_MAX];
};

void fe_dirty_clear(struct fe_dirty *d);
/* Adds @r clamped to @sw x @sh (nothing if it is outside). */
void fe_dirty_add(struct fe_dirty *d, const struct display_rect *r,
		  uint32_t sw, uint32_t sh);
/* The whole surface. */
void fe_dirty_all(struct fe_dirty *d, uint32_t sw, uint32_t sh);

#endif /* HXEN_FE_SDL_GEOM_H */
