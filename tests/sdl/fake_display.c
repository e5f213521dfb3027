// SPDX-License-Identifier: GPL-2.0
/*
 * fe-sdl-fake: the SDL window front end (devices/fe_sdl.c) on a fake
 * display core, for tests/sdl/check.sh under Xvfb: no VM, no module.
 *
 *   fe-sdl-fake [--name NAME] [--size WxH] [--opt KEY=VALUE]... [--rel]
 *
 * The surface starts as four vertical bars (red, green, blue, white).
 * What the window sends to the "guest" is printed, one line each:
 *   key CODE 1|0, abs X Y BUTTONS WHEEL, rel DX DY BUTTONS WHEEL,
 *   poweroff 0|1 (1: destroy)
 * Commands on stdin, one a line:
 *   fill X Y W H RRGGBB   paint a rectangle and report it dirty
 *   resize W H            a new mode (bars again)
 *   pattern               draw tests/e2e/gfx_pattern.h, all dirty
 *   state running|paused|shutdown
 *   quit
 * It exits after "quit", end of input, or a "poweroff 1".
 */
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/display.h"
#include "tests/e2e/gfx_pattern.h"
#include "monitor/log.h"

struct display {
	pthread_mutex_t lock;
	struct display_surface *surf;
	const char *name;
	enum display_vm_state st;
	bool abs;
	const char *opts[16];
	int nopts;
};

static struct display disp = { .lock = PTHREAD_MUTEX_INITIALIZER,
			       .name = "fakevm", .abs = true };
static const struct display_fe_ops *fe_types[4];
static int nfe_types;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int destroyed;

static void out(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

/* ---- display.h, faked ---- */

void display_fe_register(const struct display_fe_ops *ops)
{
	if (nfe_types < 4)
		fe_types[nfe_types++] = ops;
}

struct display_surface *display_surface_get(struct display *d)
{
	struct display_surface *s;

	pthread_mutex_lock(&d->lock);
	s = d->surf;
	s->refs++;
	pthread_mutex_unlock(&d->lock);
	return s;
}

void display_surface_put(struct display_surface *s)
{
	int left;

	pthread_mutex_lock(&disp.lock);
	left = --s->refs;
	pthread_mutex_unlock(&disp.lock);
	if (left < 0) {
		fprintf(stderr, "fe-sdl-fake: surface put too often\n");
		abort();
	}
	if (!left) {
		free(s->pixels);
		free(s);
	}
}

const char *display_fe_opt(struct display_fe *fe, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < disp.nopts; i++)
		if (!strncmp(disp.opts[i], key, n) && disp.opts[i][n] == '=')
			return disp.opts[i] + n + 1;
	return NULL;
}

const char *display_vm_name(struct display *d) { return d->name; }
enum display_vm_state display_vm_state(struct display *d) { return d->st; }
bool display_pointer_is_abs(struct display *d) { return d->abs; }

void display_key(struct display *d, unsigned int code, bool down)
{
	out("key %u %d\n", code, down);
}

void display_pointer_abs(struct display *d, int x, int y,
			 unsigned int buttons, int wheel)
{
	out("abs %d %d %u %d\n", x, y, buttons, wheel);
}

void display_pointer_rel(struct display *d, int dx, int dy,
			 unsigned int buttons, int wheel)
{
	out("rel %d %d %u %d\n", dx, dy, buttons, wheel);
}

void display_request_poweroff(struct display *d, bool force)
{
	out("poweroff %d\n", force);
	if (force)
		destroyed = 1;
}

/* monitor/log.c is not linked: messages go to stderr */
void mon_log(enum mon_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fe-sdl-fake: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- the fake guest ---- */

static void fill(struct display_surface *s, uint32_t x, uint32_t y,
		 uint32_t w, uint32_t h, uint32_t rgb)
{
	for (uint32_t j = y; j < y + h && j < s->height; j++)
		for (uint32_t i = x; i < x + w && i < s->width; i++)
			((uint32_t *)(s->pixels + (size_t)j * s->stride))[i] = rgb;
}

static struct display_surface *new_surface(uint32_t w, uint32_t h)
{
	static uint64_t gen;
	static const uint32_t bars[4] = { 0xff0000, 0x00ff00, 0x0000ff, 0xffffff };
	struct display_surface *s = calloc(1, sizeof(*s));

	s->width = w;
	s->height = h;
	s->stride = w * 4;
	s->pixels = calloc(h, s->stride);
	s->format = DISPLAY_XRGB8888;
	s->guest_depth = 32;
	s->generation = ++gen;
	s->refs = 1;
	for (int b = 0; b < 4; b++)
		fill(s, b * w / 4, 0, w / 4 + 1, h, bars[b]);
	return s;
}

static void set_surface(struct display_fe *fe, struct display_surface *n)
{
	struct display_surface *old;

	pthread_mutex_lock(&disp.lock);
	old = disp.surf;
	disp.surf = n;
	pthread_mutex_unlock(&disp.lock);
	if (old)
		display_surface_put(old);
	fe->ops->resize(fe, n);
}

int main(int argc, char **argv)
{
	struct display_fe fe = { .disp = &disp };
	unsigned int w = 640, h = 480;
	char err[512] = "", line[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			disp.name = argv[++i];
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			sscanf(argv[++i], "%ux%u", &w, &h);
		else if (!strcmp(argv[i], "--opt") && i + 1 < argc && disp.nopts < 16)
			disp.opts[disp.nopts++] = argv[++i];
		else if (!strcmp(argv[i], "--rel"))
			disp.abs = false;
		else {
			fprintf(stderr, "usage: fe-sdl-fake [--name N] [--size WxH] "
				"[--opt K=V]... [--rel]\n");
			return 2;
		}
	}
	for (int i = 0; i < nfe_types; i++)
		if (!strcmp(fe_types[i]->name, "sdl"))
			fe.ops = fe_types[i];
	if (!fe.ops) {
		fprintf(stderr, "fe-sdl-fake: no \"sdl\" front end registered\n");
		return 1;
	}
	disp.surf = new_surface(w, h);
	if (fe.ops->start(&fe, err, sizeof(err))) {
		printf("error: %s\n", err);
		return 2;
	}
	fe.ops->resize(&fe, disp.surf);	/* the first mode, as the core does */
	out("ready\n");

	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		unsigned int x, y, rw, rh, rgb;
		char st[16];

		/* a destroy from the window ends the "VM" as the monitor
		 * would: front ends stopped from the main thread */
		if (destroyed)
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (!fgets(line, sizeof(line), stdin))
			break;

		if (sscanf(line, "fill %u %u %u %u %x", &x, &y, &rw, &rh, &rgb) == 5) {
			struct display_surface *s = display_surface_get(&disp);
			struct display_rect r = { x, y, rw, rh };

			fill(s, x, y, rw, rh, rgb);
			fe.ops->update(&fe, &r, 1);
			display_surface_put(s);
		} else if (!strncmp(line, "pattern", 7)) {
			struct display_surface *s = display_surface_get(&disp);
			struct display_rect r = { 0, 0, s->width, s->height };

			for (y = 0; y < s->height; y++)
				for (x = 0; x < s->width; x++)
					fill(s, x, y, 1, 1, gfx_pattern(x, y));
			fe.ops->update(&fe, &r, 1);
			display_surface_put(s);
		} else if (sscanf(line, "resize %u %u", &rw, &rh) == 2) {
			set_surface(&fe, new_surface(rw, rh));
		} else if (sscanf(line, "state %15s", st) == 1) {
			disp.st = !strcmp(st, "paused") ? DISPLAY_VM_PAUSED :
				  !strcmp(st, "shutdown") ? DISPLAY_VM_SHUTDOWN :
				  DISPLAY_VM_RUNNING;
			if (fe.ops->state)
				fe.ops->state(&fe, disp.st);
		} else if (!strncmp(line, "quit", 4)) {
			break;
		}
		out("ok\n");
	}
	fe.ops->stop(&fe);
	/* the front end gave back every reference it took */
	if (disp.surf->refs != 1) {
		fprintf(stderr, "fe-sdl-fake: %d surface references, not 1\n",
			disp.surf->refs);
		return 1;
	}
	display_surface_put(disp.surf);
	out("stopped\n");
	return 0;
}
