// SPDX-License-Identifier: GPL-2.0
/*
 * The SDL2 window front end (vfb = ['sdl=1'], docs/gui.md "SDL window").
 *
 * One thread owns SDL: it initialises the video subsystem, makes the
 * window, renderer and texture, and is the only one to call SDL's video
 * and event functions.  The display core's callbacks (backend threads)
 * only record the news under our lock and push one wake-up event
 * (SDL_PushEvent is thread-safe) while none is pending.
 *
 * Drawing: the guest's XRGB8888 surface goes into a streaming texture of
 * the same size; only the dirty rectangles are uploaded, then the texture
 * is drawn letterboxed (devices/fe_sdl_geom.c) and presented, at most
 * FE_SDL_FPS times a second.
 *
 * Keys: SDL scancodes through devices/keymap_sdl.c, so the guest gets
 * key positions, not characters: its own layout applies.  Ctrl+Alt+G
 * grabs and releases keyboard and mouse (as QEMU's Ctrl+Alt+G);
 * Ctrl+Alt+F toggles full screen.  The G and F of those combinations
 * do not reach the guest; everything else does, Ctrl+Alt+Del included.
 *
 * Closing the window: the first close asks the guest to power off (the
 * power button), the second destroys the VM.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/input-event-codes.h>

#include "devices/display.h"
#include "devices/fe_sdl_geom.h"
#include "devices/fe_sdl_lib.h"
#include "devices/keymap_sdl.h"
#include "monitor/log.h"
#include "monitor/thread.h"

#define FE_SDL_FPS	60

struct fe_sdl {
	struct display_fe *fe;
	struct display *disp;
	pthread_t thread;
	bool thread_started;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock */
	int init;			/* 0 starting, 1 running, < 0 failed */
	char err[256];
	bool sdl_up;			/* SDL initialised: may push events */
	bool wake_pending;
	bool quit;
	struct display_surface *new_surf;	/* from resize(), not yet taken */
	struct fe_dirty dirty;		/* rectangles of the newest surface */
	uint32_t cur_w, cur_h;		/* the newest surface's size */
	enum display_vm_state st;
	bool st_changed;

	/* the SDL thread's own */
	Uint32 wake_ev;
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	struct display_surface *surf;
	struct fe_dirty upload;
	bool grabbed, rel_mode, fullscreen, user_sized;
	unsigned int closes;		/* window closes in this VM's life */
	enum display_vm_state shown_st;
	unsigned int buttons;		/* DISPLAY_BTN_* held */
	int px, py;			/* last pointer position, surface */
	bool swallow_g, swallow_f;	/* the combination's key is down */
	uint8_t down[KEY_MAX / 8 + 1];	/* Linux key codes pressed */
	Uint32 last_present;
	bool present_due;
};

/* ---- callbacks from the display core (any thread, never block) ---- */

static void wake_locked(struct fe_sdl *s)
{
	SDL_Event ev;

	if (!s->sdl_up || s->wake_pending)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = s->wake_ev;
	if (sdl.SDL_PushEvent(&ev) == 1)
		s->wake_pending = true;
}

static void cb_resize(struct display_fe *fe, struct display_surface *surf)
{
	struct fe_sdl *s = fe->priv;
	struct display_surface *old, *n;

	/* our own reference, on the current surface (@surf, unless another
	 * resize raced in: then its callback follows) */
	n = display_surface_get(fe->disp);
	if (!n)
		return;
	pthread_mutex_lock(&s->lock);
	old = s->new_surf;
	s->new_surf = n;
	s->cur_w = n->width;
	s->cur_h = n->height;
	fe_dirty_all(&s->dirty, n->width, n->height);
	wake_locked(s);
	pthread_mutex_unlock(&s->lock);
	if (old)
		display_surface_put(old);
}

static void cb_update(struct display_fe *fe, const struct display_rect *r,
		      unsigned int n)
{
	struct fe_sdl *s = fe->priv;

	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < n; i++)
		fe_dirty_add(&s->dirty, &r[i], s->cur_w, s->cur_h);
	wake_locked(s);
	pthread_mutex_unlock(&s->lock);
}

static void cb_state(struct display_fe *fe, enum display_vm_state st)
{
	struct fe_sdl *s = fe->priv;

	pthread_mutex_lock(&s->lock);
	s->st = st;
	s->st_changed = true;
	wake_locked(s);
	pthread_mutex_unlock(&s->lock);
}

/* ---- the SDL thread ---- */

static void set_title(struct fe_sdl *s)
{
	const char *name = display_vm_name(s->disp);
	char t[256];

	/*
	 * "NAME - hxen", in ASCII: SDL's X11 driver stores a non-ASCII title
	 * in WM_NAME as UTF8_STRING (UTF-8 locale), which XFetchName users
	 * such as xdotool search --name cannot read, or leaves _NET_WM_NAME
	 * stale (C locale).  ASCII reads the same everywhere.
	 */
	snprintf(t, sizeof(t), "%s - hxen%s%s%s",
		 name && *name ? name : "VM",
		 s->shown_st == DISPLAY_VM_PAUSED ? " [paused]" :
		 s->shown_st == DISPLAY_VM_SHUTDOWN ? " [shutting down]" : "",
		 s->closes == 1 && s->shown_st != DISPLAY_VM_SHUTDOWN ?
			" [power-off requested: close again to destroy]" : "",
		 s->grabbed ? " - Ctrl+Alt+G releases" : "");
	sdl.SDL_SetWindowTitle(s->win, t);
}

/* A key to the guest, remembering what is down (for focus loss). */
static void send_key(struct fe_sdl *s, unsigned int code, bool down)
{
	if (!code || code >= KEY_MAX)
		return;
	if (down)
		s->down[code / 8] |= 1u << (code % 8);
	else if (s->down[code / 8] & (1u << (code % 8)))
		s->down[code / 8] &= ~(1u << (code % 8));
	else
		return;			/* never sent down: nothing to release */
	display_key(s->disp, code, down);
}

/*
 * The window lost the keyboard: the guest would otherwise keep Alt down
 * after an Alt+Tab on the host.
 */
static void release_all(struct fe_sdl *s)
{
	for (unsigned int k = 1; k < KEY_MAX; k++)
		if (s->down[k / 8] & (1u << (k % 8)))
			send_key(s, k, false);
	if (s->buttons) {
		s->buttons = 0;
		display_pointer_abs(s->disp, s->px, s->py, 0, 0);
	}
}

static void set_grab(struct fe_sdl *s, bool on)
{
	s->grabbed = on;
	/* SDL_HINT_GRAB_KEYBOARD: the grab takes the keyboard too */
	sdl.SDL_SetWindowGrab(s->win, on ? SDL_TRUE : SDL_FALSE);
	/* a guest with only a relative pointer: motion deltas while grabbed */
	s->rel_mode = on && !display_pointer_is_abs(s->disp);
	sdl.SDL_SetRelativeMouseMode(s->rel_mode ? SDL_TRUE : SDL_FALSE);
	set_title(s);
}

static void on_key(struct fe_sdl *s, const SDL_KeyboardEvent *k)
{
	bool down = k->type == SDL_KEYDOWN;
	SDL_Scancode sc = k->keysym.scancode;
	/* the modifiers as they were at this key, not SDL's current ones */
	bool ctrl_alt = (k->keysym.mod & KMOD_CTRL) && (k->keysym.mod & KMOD_ALT);

	if (sc == SDL_SCANCODE_G && (down ? ctrl_alt : s->swallow_g)) {
		s->swallow_g = down;
		if (down && !k->repeat)
			set_grab(s, !s->grabbed);
		return;
	}
	if (sc == SDL_SCANCODE_F && (down ? ctrl_alt : s->swallow_f)) {
		s->swallow_f = down;
		if (down && !k->repeat) {
			s->fullscreen = !s->fullscreen;
			sdl.SDL_SetWindowFullscreen(s->win, s->fullscreen ?
					SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
		}
		return;
	}
	/* the guest's input layer repeats keys itself */
	if (k->repeat)
		return;
	send_key(s, keymap_sdl_to_linux(sc), down);
}

static unsigned int sdl_buttons(Uint32 state)
{
	return (state & SDL_BUTTON_LMASK ? DISPLAY_BTN_LEFT : 0) |
	       (state & SDL_BUTTON_MMASK ? DISPLAY_BTN_MIDDLE : 0) |
	       (state & SDL_BUTTON_RMASK ? DISPLAY_BTN_RIGHT : 0);
}

static unsigned int button_bit(Uint8 b)
{
	return b == SDL_BUTTON_LEFT ? DISPLAY_BTN_LEFT :
	       b == SDL_BUTTON_MIDDLE ? DISPLAY_BTN_MIDDLE :
	       b == SDL_BUTTON_RIGHT ? DISPLAY_BTN_RIGHT : 0;
}

/* Window coordinates to the surface through the letterbox. */
static void pointer_at(struct fe_sdl *s, int wx, int wy)
{
	struct fe_box box;
	int w, h;

	if (!s->surf)
		return;
	sdl.SDL_GetWindowSize(s->win, &w, &h);
	fe_letterbox(w, h, s->surf->width, s->surf->height, &box);
	fe_to_surface(&box, s->surf->width, s->surf->height, wx, wy,
		      &s->px, &s->py);
}

static void on_mouse(struct fe_sdl *s, const SDL_Event *e)
{
	int wheel = 0;

	switch (e->type) {
	case SDL_MOUSEMOTION:
		if (s->rel_mode) {
			display_pointer_rel(s->disp, e->motion.xrel,
					    e->motion.yrel, s->buttons, 0);
			return;
		}
		pointer_at(s, e->motion.x, e->motion.y);
		s->buttons = sdl_buttons(e->motion.state);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		/* a guest without an absolute pointer: a click grabs */
		if (e->type == SDL_MOUSEBUTTONDOWN && !s->grabbed &&
		    !display_pointer_is_abs(s->disp)) {
			set_grab(s, true);
			return;
		}
		if (e->type == SDL_MOUSEBUTTONDOWN)
			s->buttons |= button_bit(e->button.button);
		else
			s->buttons &= ~button_bit(e->button.button);
		if (!s->rel_mode)
			pointer_at(s, e->button.x, e->button.y);
		break;
	case SDL_MOUSEWHEEL:
		wheel = e->wheel.y;
		if (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED)
			wheel = -wheel;
		if (!wheel)
			return;
		break;
	}
	if (s->rel_mode)
		display_pointer_rel(s->disp, 0, 0, s->buttons, wheel);
	else
		display_pointer_abs(s->disp, s->px, s->py, s->buttons, wheel);
}

static void on_close(struct fe_sdl *s)
{
	s->closes++;
	if (s->closes == 1) {
		mon_info("window closed: asking the guest to power off "
			 "(close it again to destroy the VM)");
		display_request_poweroff(s->disp, false);
	} else {
		mon_info("window closed again: destroying the VM");
		display_request_poweroff(s->disp, true);
	}
	set_title(s);
}

/* Fits the mode of s->surf: a texture of its size, the window too if the
 * user did not size it, kept inside the desktop. */
static int make_texture(struct fe_sdl *s)
{
	struct display_surface *n = s->surf;
	SDL_Rect ub;
	int w = n->width, h = n->height, idx;

	if (s->tex)
		sdl.SDL_DestroyTexture(s->tex);
	/* SDL's RGB888 is XRGB8888, the core's format: no conversion */
	s->tex = sdl.SDL_CreateTexture(s->ren, SDL_PIXELFORMAT_RGB888,
				       SDL_TEXTUREACCESS_STREAMING,
				       n->width, n->height);
	if (!s->tex) {
		mon_err("sdl: no %ux%u texture: %s", n->width, n->height,
			sdl.SDL_GetError());
		return -ENOMEM;
	}
	if (s->user_sized || s->fullscreen)
		return 0;
	idx = sdl.SDL_GetWindowDisplayIndex(s->win);
	if (idx >= 0 && !sdl.SDL_GetDisplayUsableBounds(idx, &ub) &&
	    ub.w > 0 && ub.h > 0 && (w > ub.w || h > ub.h)) {
		struct fe_box b;

		fe_letterbox(ub.w, ub.h, n->width, n->height, &b);
		w = b.w;
		h = b.h;
	}
	sdl.SDL_SetWindowSize(s->win, w, h);
	return 0;
}

/* A new mode from resize(): @n carries its own reference. */
static int take_surface(struct fe_sdl *s, struct display_surface *n)
{
	if (s->surf)
		display_surface_put(s->surf);
	s->surf = n;
	return make_texture(s);
}

static void upload(struct fe_sdl *s)
{
	const struct display_surface *f = s->surf;

	if (!s->tex || !f)
		return;
	for (unsigned int i = 0; i < s->upload.n; i++) {
		const struct display_rect *r = &s->upload.r[i];
		SDL_Rect sr = { r->x, r->y, r->w, r->h };

		sdl.SDL_UpdateTexture(s->tex, &sr, f->pixels +
				      (size_t)r->y * f->stride + r->x * 4,
				      f->stride);
	}
	if (s->upload.n)
		s->present_due = true;
	fe_dirty_clear(&s->upload);
}

static void present(struct fe_sdl *s)
{
	struct fe_box b;
	int w, h;

	s->present_due = false;
	s->last_present = sdl.SDL_GetTicks();
	sdl.SDL_SetRenderDrawColor(s->ren, 0, 0, 0, 255);
	sdl.SDL_RenderClear(s->ren);
	if (s->tex && s->surf &&
	    !sdl.SDL_GetRendererOutputSize(s->ren, &w, &h)) {
		SDL_Rect dst;

		fe_letterbox(w, h, s->surf->width, s->surf->height, &b);
		dst = (SDL_Rect){ b.x, b.y, b.w, b.h };
		sdl.SDL_RenderCopy(s->ren, s->tex, NULL, &dst);
	}
	sdl.SDL_RenderPresent(s->ren);
}

/* The news from the callbacks, under the lock; true: quit. */
static bool take_news(struct fe_sdl *s)
{
	struct display_surface *n;
	bool quit, st_changed;
	enum display_vm_state st;

	pthread_mutex_lock(&s->lock);
	s->wake_pending = false;
	quit = s->quit;
	n = s->new_surf;
	s->new_surf = NULL;
	for (unsigned int i = 0; i < s->dirty.n; i++)
		fe_dirty_add(&s->upload, &s->dirty.r[i], ~0u, ~0u);
	fe_dirty_clear(&s->dirty);
	st = s->st;
	st_changed = s->st_changed;
	s->st_changed = false;
	pthread_mutex_unlock(&s->lock);

	if (n && take_surface(s, n) == 0)
		s->present_due = true;
	if (st_changed && st != s->shown_st) {
		/* a reboot starts a new life: closes count afresh */
		if (s->shown_st == DISPLAY_VM_SHUTDOWN &&
		    st == DISPLAY_VM_RUNNING)
			s->closes = 0;
		s->shown_st = st;
		set_title(s);
	}
	return quit;
}

static void on_window(struct fe_sdl *s, const SDL_WindowEvent *w)
{
	switch (w->event) {
	case SDL_WINDOWEVENT_CLOSE:
		on_close(s);
		break;
	case SDL_WINDOWEVENT_RESIZED:
		/* the user's size (SIZE_CHANGED alone is ours) */
		s->user_sized = true;
		s->present_due = true;
		break;
	case SDL_WINDOWEVENT_SIZE_CHANGED:
	case SDL_WINDOWEVENT_EXPOSED:
		s->present_due = true;
		break;
	case SDL_WINDOWEVENT_FOCUS_LOST:
		release_all(s);
		break;
	}
}

static void event_loop(struct fe_sdl *s)
{
	SDL_Event e;

	for (;;) {
		int timeout = 1000;
		Uint32 since = sdl.SDL_GetTicks() - s->last_present;

		if (s->present_due)
			timeout = since >= 1000 / FE_SDL_FPS ? 0 :
				  1000 / FE_SDL_FPS - since;
		if (sdl.SDL_WaitEventTimeout(&e, timeout)) {
			do {
				if (e.type == s->wake_ev) {
					if (take_news(s))
						return;
				} else if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
					on_key(s, &e.key);
				} else if (e.type == SDL_MOUSEMOTION ||
					   e.type == SDL_MOUSEBUTTONDOWN ||
					   e.type == SDL_MOUSEBUTTONUP ||
					   e.type == SDL_MOUSEWHEEL) {
					on_mouse(s, &e);
				} else if (e.type == SDL_WINDOWEVENT) {
					on_window(s, &e.window);
				}
				/* SDL_QUIT follows the last window's CLOSE:
				 * handled there */
			} while (sdl.SDL_WaitEventTimeout(&e, 0));
		}
		/* uploads only what changed; presents at most FE_SDL_FPS/s */
		upload(s);
		since = sdl.SDL_GetTicks() - s->last_present;
		if (s->present_due && since >= 1000 / FE_SDL_FPS)
			present(s);
	}
}

static int sdl_setup(struct fe_sdl *s, char *err, size_t errlen)
{
	SDL_RendererInfo ri;
	const char *drv;
	int w, h;

	/* the monitor takes SIGINT/SIGTERM itself (monitor/main.c) */
	sdl.SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	sdl.SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	sdl.SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
	sdl.SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
	/* sharp pixels: the screen is text more often than not */
	sdl.SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
	if (sdl.SDL_Init(SDL_INIT_VIDEO)) {
		snprintf(err, errlen, "sdl=1: no window: SDL could not open "
			 "the display: %s", sdl.SDL_GetError());
		return -ENODEV;
	}
	/*
	 * Without a reachable X server or compositor SDL falls back to its
	 * offscreen or dummy driver: no window anyone can see.  Those only
	 * when the user asked for them with SDL_VIDEODRIVER.
	 */
	drv = sdl.SDL_GetCurrentVideoDriver();
	if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) &&
	    !getenv("SDL_VIDEODRIVER")) {
		snprintf(err, errlen, "sdl=1: no window: SDL could not open "
			 "the display (%s%s%s): only its %s driver works",
			 getenv("DISPLAY") ? "DISPLAY=" : "WAYLAND_DISPLAY=",
			 getenv("DISPLAY") ? getenv("DISPLAY") : "",
			 getenv("DISPLAY") ? "" : getenv("WAYLAND_DISPLAY"), drv);
		return -ENODEV;
	}
	s->wake_ev = sdl.SDL_RegisterEvents(1);
	if (s->wake_ev == (Uint32)-1) {
		snprintf(err, errlen, "sdl=1: SDL has no user events left");
		return -ENOSPC;
	}
	w = s->surf->width;
	h = s->surf->height;
	s->win = sdl.SDL_CreateWindow("hxen", SDL_WINDOWPOS_UNDEFINED,
				      SDL_WINDOWPOS_UNDEFINED, w, h,
				      SDL_WINDOW_RESIZABLE |
				      SDL_WINDOW_ALLOW_HIGHDPI);
	if (!s->win) {
		snprintf(err, errlen, "sdl=1: cannot make a window: %s",
			 sdl.SDL_GetError());
		return -ENODEV;
	}
	s->ren = sdl.SDL_CreateRenderer(s->win, -1, 0);
	if (!s->ren)	/* no GL/GLES here: the software renderer does */
		s->ren = sdl.SDL_CreateRenderer(s->win, -1,
						SDL_RENDERER_SOFTWARE);
	if (!s->ren) {
		snprintf(err, errlen, "sdl=1: no renderer: %s",
			 sdl.SDL_GetError());
		return -ENODEV;
	}
	if (!sdl.SDL_GetRendererInfo(s->ren, &ri))
		mon_dbg("sdl: video driver %s, renderer %s",
			sdl.SDL_GetCurrentVideoDriver(), ri.name);
	if (make_texture(s)) {
		snprintf(err, errlen, "sdl=1: no %dx%d texture", w, h);
		return -ENOMEM;
	}
	fe_dirty_all(&s->upload, w, h);
	s->shown_st = display_vm_state(s->disp);
	set_title(s);
	return 0;
}

static void sdl_teardown(struct fe_sdl *s)
{
	release_all(s);
	if (s->tex)
		sdl.SDL_DestroyTexture(s->tex);
	if (s->ren)
		sdl.SDL_DestroyRenderer(s->ren);
	if (s->win)
		sdl.SDL_DestroyWindow(s->win);
	s->tex = NULL;
	s->ren = NULL;
	s->win = NULL;
	sdl.SDL_Quit();
}

static void *sdl_thread(void *arg)
{
	struct fe_sdl *s = arg;
	char err[sizeof(s->err)] = "";
	int r = sdl_setup(s, err, sizeof(err));

	mon_thread_no_thp();
	pthread_mutex_lock(&s->lock);
	s->init = r ? r : 1;
	snprintf(s->err, sizeof(s->err), "%s", err);
	s->sdl_up = !r;
	/* news that came in before SDL could take events */
	if (!r && (s->new_surf || s->dirty.n || s->st_changed || s->quit))
		wake_locked(s);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (!r)
		event_loop(s);

	pthread_mutex_lock(&s->lock);
	s->sdl_up = false;
	pthread_mutex_unlock(&s->lock);
	sdl_teardown(s);
	return NULL;
}

/* ---- front-end operations ---- */

static int no_display(struct display_fe *fe, char *err, size_t errlen)
{
	const char *vnc = display_fe_opt(fe, "vnc");

	/* documented fallback: the screen stays reachable over VNC */
	if (vnc && !strcmp(vnc, "1")) {
		mon_warn("sdl=1: %s; the screen is on VNC only", err);
		return 0;
	}
	return -ENODEV;
}

/* After the SDL thread ended: the references it held, and the rest. */
static void fe_sdl_free(struct display_fe *fe, struct fe_sdl *s)
{
	if (s->new_surf)
		display_surface_put(s->new_surf);
	if (s->surf)
		display_surface_put(s->surf);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	fe->priv = NULL;
	free(s);
}

static int fe_sdl_start(struct display_fe *fe, char *err, size_t errlen)
{
	const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
	struct fe_sdl *s;
	int r;

	if ((!x || !*x) && (!wl || !*wl)) {
		snprintf(err, errlen, "sdl=1: no $DISPLAY or $WAYLAND_DISPLAY: "
			 "start the VM from a desktop session, or use vnc=1");
		return no_display(fe, err, errlen);
	}
	r = fe_sdl_lib_load(err, errlen);
	if (r)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "sdl=1: out of memory");
		return -ENOMEM;
	}
	s->fe = fe;
	s->disp = fe->disp;
	s->surf = display_surface_get(fe->disp);
	if (!s->surf) {
		free(s);
		snprintf(err, errlen, "sdl=1: the display has no screen");
		return -ENODEV;
	}
	s->cur_w = s->surf->width;
	s->cur_h = s->surf->height;
	s->st = display_vm_state(fe->disp);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	fe->priv = s;

	r = -pthread_create(&s->thread, NULL, sdl_thread, s);
	if (r) {
		snprintf(err, errlen, "sdl=1: no thread: %s", strerror(-r));
		goto fail;
	}
	s->thread_started = true;
	/* the VM starts only once the window is there (or cannot be) */
	pthread_mutex_lock(&s->lock);
	while (!s->init)
		pthread_cond_wait(&s->cond, &s->lock);
	r = s->init < 0 ? s->init : 0;
	if (r)
		snprintf(err, errlen, "%s", s->err);
	pthread_mutex_unlock(&s->lock);
	if (!r)
		return 0;
fail:
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	fe_sdl_free(fe, s);
	if (r == -ENODEV)
		return no_display(fe, err, errlen);
	return r;
}

static void fe_sdl_stop(struct display_fe *fe)
{
	struct fe_sdl *s = fe->priv;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	wake_locked(s);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	fe_sdl_free(fe, s);
}

/* No-ops after a start() without a window (the VNC fallback). */
static void fe_sdl_resize(struct display_fe *fe, struct display_surface *surf)
{
	if (fe->priv)
		cb_resize(fe, surf);
}

static void fe_sdl_update(struct display_fe *fe, const struct display_rect *r,
			  unsigned int n)
{
	if (fe->priv)
		cb_update(fe, r, n);
}

static void fe_sdl_state(struct display_fe *fe, enum display_vm_state st)
{
	if (fe->priv)
		cb_state(fe, st);
}

static const struct display_fe_ops fe_sdl_ops = {
	.name = "sdl",
	.start = fe_sdl_start,
	.stop = fe_sdl_stop,
	.resize = fe_sdl_resize,
	.update = fe_sdl_update,
	.state = fe_sdl_state,
};
DISPLAY_FRONTEND(fe_sdl_ops)
