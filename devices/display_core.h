/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend side of the display core (devices/display.h is the front
 * end side): the vfb backend hands it modes and dirty rectangles, the vkbd
 * backend takes the front ends' input, the control socket takes
 * screenshots.  devices/display.c; dirty rectangles in display_rect.c.
 */
#ifndef HXEN_DISPLAY_CORE_H
#define HXEN_DISPLAY_CORE_H

#include "devices/display.h"

/* The configured mode when the guest has not said otherwise. */
#define DISPLAY_DEF_WIDTH	800
#define DISPLAY_DEF_HEIGHT	600
#define DISPLAY_DEF_VIDEORAM	8	/* MiB: 1920x1080x32 fits */
#define DISPLAY_MAX_VIDEORAM	128	/* MiB */
#define DISPLAY_MAX_DIM		8192

/* ---- dirty rectangles (display_rect.c) ---- */

struct display_dirty {
	struct display_rect r[DISPLAY_MAX_RECTS];
	unsigned int n;
};

static inline void display_dirty_clear(struct display_dirty *dd)
{
	dd->n = 0;
}

/*
 * Add the guest's rectangle (@x, @y, @w, @h, any values) clamped to a
 * @sw x @sh screen; nothing if it lies outside.  Overlapping or touching
 * rectangles merge when the union wastes little; past DISPLAY_MAX_RECTS the
 * two whose union grows least are merged.  true if something was added.
 */
bool display_dirty_add(struct display_dirty *dd, int64_t x, int64_t y,
		       int64_t w, int64_t h, uint32_t sw, uint32_t sh);
/* Sum of the areas (for tests and the stats line). */
uint64_t display_dirty_area(const struct display_dirty *dd);

/* ---- the display ---- */

struct display_config {
	char *name;			/* the VM's */
	uint32_t width, height;		/* the largest mode offered */
	uint32_t videoram;		/* MiB */
	/* the vfb keys, "k=v" pairs */
	unsigned int nr_keys;
	char *keys[32], *vals[32];
};

/* The VM's display, NULL when no vfb was configured (headless). */
struct display *display_get(void);
const struct display_config *display_config(struct display *d);

/* Parse one --vfb SPEC into the display (several merge).  0 or -errno. */
int display_add_spec(const char *spec, char *err, size_t errlen);
/* The VM's name, for titles. */
void display_set_name(const char *name);
/* Where the VNC server listens (fe_vnc.c), for `hxen vnc`; NULL: none. */
void display_set_vnc_address(struct display *d, const char *host, int port);
const char *display_vnc_address(struct display *d, int *port);
/* Tests: forget everything (no front end may be running). */
void display_reset(void);
/* Start the front ends the config asks for; 0 or -errno with @err. */
int display_start(char *err, size_t errlen);
void display_stop(void);

/*
 * A new mode from the guest: the next surface (black) is made current and
 * the front ends' resize() runs.  Returns it with a reference for the
 * caller (which draws into it), or NULL for a mode beyond the configured
 * size (nothing changes).
 */
struct display_surface *display_set_mode(struct display *d, uint32_t w,
					 uint32_t h, uint32_t depth);
/* The rectangles of @dd are in the current surface: tell the front ends. */
void display_flush(struct display *d, const struct display_dirty *dd);
void display_set_vm_state(struct display *d, enum display_vm_state st);

/* What vkbd gives the core: where input goes. */
struct display_input_ops {
	void (*key)(void *opaque, unsigned int code, bool down);
	/* @x, @y scaled to the guest's abs range; @z wheel (REL_WHEEL) */
	void (*abs)(void *opaque, int x, int y, int z);
	void (*rel)(void *opaque, int dx, int dy, int z);
};
/* @ops NULL: the driver went away.  @abs: absolute pointer accepted. */
void display_set_input(struct display *d, const struct display_input_ops *ops,
		       void *opaque, bool abs, uint32_t abs_w, uint32_t abs_h);

/* Window closed: how the monitor powers off (display_mon.c sets it). */
void display_set_poweroff(void (*fn)(bool force));

/* PNG of the current surface at @path; 0 or -errno with @err. */
int display_screenshot(struct display *d, const char *path, char *err,
		       size_t errlen);
/* PNG writer (display_png.c): XRGB8888 rows. */
int display_png_write(const char *path, const uint8_t *pixels, uint32_t w,
		      uint32_t h, uint32_t stride, char *err, size_t errlen);

/* Stats for tests: surfaces alive. */
int display_surfaces_alive(void);

#endif /* HXEN_DISPLAY_CORE_H */
