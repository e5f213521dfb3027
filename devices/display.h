/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-VM display core: between the PV framebuffer/keyboard backends
 * (devices/be_vfb.c, devices/be_vkbd.c) and the front ends that show the
 * screen.  The SDL2 window front end lives in devices/fe_sdl.c (with its
 * SDL-scancode key table), the VNC server in devices/fe_vnc.c (with the
 * X11 keysym table devices/keymap_x11.c); `hxen screenshot` reads the
 * surface through the control socket with no front end at all.  One
 * monitor runs one VM, so there is one display per process; it exists only
 * when a vfb was configured (--vfb SPEC), so a headless VM costs nothing.
 *
 * Pixels: the core keeps one host surface in XRGB8888 (32 bits per pixel,
 * little-endian words 0x00RRGGBB: bytes B, G, R, X in memory) whatever
 * depth the guest uses, and copies into it only the rectangles the guest
 * reports dirty.  Surfaces are reference counted: a resize makes a new
 * one, and a front end that still holds the old one may keep reading it
 * until it drops it.  Pixel reads race with guest updates (a torn frame
 * is redrawn by the next update), never with a free.
 *
 * Threads: the fe_ops callbacks run on the backend's ring thread (or the
 * control thread) and must not block: record the news and wake the front
 * end's own thread.  Every display_* call below is safe from any thread.
 */
#ifndef HXEN_DISPLAY_H
#define HXEN_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct display;
struct display_fe;

/* ---- the surface ---- */

enum display_format {
	DISPLAY_XRGB8888 = 1,	/* the only one the core produces */
};

struct display_surface {
	uint8_t *pixels;	/* width x height, rows @stride bytes apart */
	uint32_t width, height;
	uint32_t stride;	/* bytes per row, >= 4 * width */
	enum display_format format;
	uint32_t guest_depth;	/* bits per pixel the guest draws: 8..32 */
	uint64_t generation;	/* changes on every resize */
	/* private */
	int refs;
};

struct display_rect {
	uint32_t x, y, w, h;	/* inside the surface, w and h > 0 */
};

/*
 * The current surface with a reference held (never NULL while the
 * display exists: before the guest's driver connects it is the
 * configured mode, black).  Drop it with display_surface_put().
 */
struct display_surface *display_surface_get(struct display *d);
void display_surface_put(struct display_surface *s);

/* ---- front ends ---- */

enum display_vm_state {
	DISPLAY_VM_RUNNING,
	DISPLAY_VM_PAUSED,
	DISPLAY_VM_SHUTDOWN,	/* the guest is powering off or rebooting */
};

struct display_fe_ops {
	/* the vfb key that starts it: "vnc" for vnc=1, "sdl" for sdl=1 */
	const char *name;
	/*
	 * Before the guest runs, on the monitor's main thread.  Read the
	 * front end's keys with display_fe_opt().  0, or -errno with a
	 * message for the user in @err (e.g. "sdl=1: no $DISPLAY or
	 * $WAYLAND_DISPLAY"): the monitor then does not start the VM.
	 */
	int (*start)(struct display_fe *fe, char *err, size_t errlen);
	/* the monitor exits: close windows and sockets, join threads */
	void (*stop)(struct display_fe *fe);
	/*
	 * The guest changed mode (also called once right after start()):
	 * @s is the new surface, the callee takes its own reference with
	 * display_surface_get() if it keeps one.  The whole of it is dirty.
	 */
	void (*resize)(struct display_fe *fe, struct display_surface *s);
	/*
	 * Rectangles the guest redrew, already clamped to the surface and
	 * coalesced (at most DISPLAY_MAX_RECTS per call, one call per batch
	 * of guest updates); the pixels are in the surface by now.
	 */
	void (*update)(struct display_fe *fe, const struct display_rect *r,
		       unsigned int n);
	/* optional: the VM's state changed (for a window title) */
	void (*state)(struct display_fe *fe, enum display_vm_state st);
};

#define DISPLAY_MAX_RECTS	16

struct display_fe {
	const struct display_fe_ops *ops;
	struct display *disp;
	void *priv;		/* the front end's */
	/* private */
	struct display_fe *next;
};

/* Registration of a front end type, from its own file. */
void display_fe_register(const struct display_fe_ops *ops);
#define DISPLAY_FRONTEND(ops)						\
	static void __attribute__((constructor)) display_reg_##ops(void)\
	{								\
		display_fe_register(&ops);				\
	}

/*
 * A key of the vfb spec ("vnclisten", "vncpasswd", "display", "keymap"),
 * or NULL when it was not given.  The strings live as long as the display.
 */
const char *display_fe_opt(struct display_fe *fe, const char *key);

/* The VM's name (for a title) and its current state. */
const char *display_vm_name(struct display *d);
enum display_vm_state display_vm_state(struct display *d);

/* ---- input, from any front end (Linux input-event codes) ---- */

/*
 * A key with its Linux code (linux/input-event-codes.h KEY_*, 1..0x2ff),
 * pressed or released.  Codes out of range are dropped.
 */
void display_key(struct display *d, unsigned int code, bool down);

#define DISPLAY_BTN_LEFT	(1u << 0)
#define DISPLAY_BTN_MIDDLE	(1u << 1)
#define DISPLAY_BTN_RIGHT	(1u << 2)

/*
 * The pointer: @x, @y in surface coordinates (clamped to it), @buttons a
 * mask of DISPLAY_BTN_* (the core sends BTN_LEFT/MIDDLE/RIGHT presses and
 * releases for the bits that changed), @wheel notches (> 0: up/away from
 * the user, as REL_WHEEL), 0 for none.
 */
void display_pointer_abs(struct display *d, int x, int y,
			 unsigned int buttons, int wheel);
/* Relative motion, for front ends that grab the mouse. */
void display_pointer_rel(struct display *d, int dx, int dy,
			 unsigned int buttons, int wheel);
/*
 * true: the guest's driver takes absolute positions (feature-abs-pointer
 * was accepted), so a front end need not grab the mouse; false: only
 * relative motion reaches the guest.
 */
bool display_pointer_is_abs(struct display *d);

/*
 * The user closed the window: @force false asks the guest to power off
 * (as the power button does), @force true destroys the VM at once.
 */
void display_request_poweroff(struct display *d, bool force);

#endif /* HXEN_DISPLAY_H */
