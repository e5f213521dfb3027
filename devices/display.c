// SPDX-License-Identifier: GPL-2.0
/*
 * The display core (devices/display.h, display_core.h): the vfb config,
 * the current surface, the registered front ends and the input path from
 * them to the vkbd backend.  Host-independent (unit-tested); the monitor
 * glue (--vfb, start at boot, the screenshot command) is display_mon.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/display_core.h"

#define MAX_FE_TYPES	8
#define LINUX_KEY_MAX	0x2ff
#define LINUX_BTN_LEFT	0x110
#define LINUX_BTN_RIGHT	0x111
#define LINUX_BTN_MIDDLE 0x112

struct display {
	struct display_config cfg;
	pthread_mutex_t lock;		/* cur, refs, state */
	struct display_surface *cur;
	uint64_t generation;
	enum display_vm_state state;
	struct display_fe *fes;		/* started ones; fixed while running */
	bool started;

	pthread_mutex_t in_lock;	/* the input sink */
	const struct display_input_ops *in;
	void *in_opaque;
	bool abs;
	uint32_t abs_w, abs_h;
	unsigned int buttons;
	int last_x, last_y;

	char *vnc_host;
	int vnc_port;
};

static struct display *disp;
static const struct display_fe_ops *fe_types[MAX_FE_TYPES];
static unsigned int nr_fe_types;
static int surfaces_alive;
static void (*poweroff_fn)(bool force);

void display_fe_register(const struct display_fe_ops *ops)
{
	if (nr_fe_types < MAX_FE_TYPES)
		fe_types[nr_fe_types++] = ops;
}

struct display *display_get(void)
{
	return disp;
}

const struct display_config *display_config(struct display *d)
{
	return &d->cfg;
}

/* ---- config: --vfb "k=v, k=v" (xl vfb keys, plus width/height/videoram) */

static const char *const known_keys[] = {
	"vnc", "vnclisten", "vncdisplay", "vncunused", "vncpasswd", "sdl",
	"opengl", "display", "xauthority", "keymap", "width", "height",
	"videoram", NULL,
};

static const char *cfg_get(const struct display_config *c, const char *key)
{
	for (unsigned int i = 0; i < c->nr_keys; i++)
		if (!strcmp(c->keys[i], key))
			return c->vals[i];
	return NULL;
}

static int cfg_set(struct display_config *c, const char *k, size_t kl,
		   const char *v, size_t vl)
{
	unsigned int i;

	for (i = 0; i < c->nr_keys; i++)
		if (strlen(c->keys[i]) == kl && !strncmp(c->keys[i], k, kl))
			break;
	if (i == c->nr_keys) {
		if (i == sizeof(c->keys) / sizeof(c->keys[0]))
			return -E2BIG;
		c->keys[i] = strndup(k, kl);
		c->vals[i] = NULL;
		c->nr_keys++;
	}
	free(c->vals[i]);
	c->vals[i] = strndup(v, vl);
	return c->keys[i] && c->vals[i] ? 0 : -ENOMEM;
}

static int cfg_uint(const struct display_config *c, const char *key,
		    uint32_t min, uint32_t max, uint32_t *out, char *err,
		    size_t errlen)
{
	const char *v = cfg_get(c, key);
	char *end;
	unsigned long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max) {
		snprintf(err, errlen, "--vfb %s=%s: expected a number from %u "
			 "to %u", key, v, min, max);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

static struct display *display_new(void)
{
	struct display *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->in_lock, NULL);
	d->cfg.width = DISPLAY_DEF_WIDTH;
	d->cfg.height = DISPLAY_DEF_HEIGHT;
	d->cfg.videoram = DISPLAY_DEF_VIDEORAM;
	d->state = DISPLAY_VM_RUNNING;
	return d;
}

int display_add_spec(const char *spec, char *err, size_t errlen)
{
	struct display *d = disp ? disp : display_new();
	const char *p = spec;
	uint64_t bytes;
	int r = 0;

	if (!d)
		return -ENOMEM;
	while (*p && !r) {
		const char *item, *eq, *end;
		size_t kl;
		bool ok = false;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		item = p;
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		p = end;
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		eq = memchr(item, '=', end - item);
		if (!eq) {
			snprintf(err, errlen, "--vfb '%s': '%.*s' is not "
				 "key=value", spec, (int)(end - item), item);
			r = -EINVAL;
			break;
		}
		kl = eq - item;
		for (const char *const *k = known_keys; *k; k++)
			ok |= strlen(*k) == kl && !strncmp(*k, item, kl);
		if (!ok) {
			snprintf(err, errlen, "--vfb '%s': unknown key '%.*s' "
				 "(known: vnc, vnclisten, vncdisplay, "
				 "vncunused, vncpasswd, sdl, display, "
				 "xauthority, keymap, width, height, "
				 "videoram)", spec, (int)kl, item);
			r = -EINVAL;
			break;
		}
		r = cfg_set(&d->cfg, item, kl, eq + 1, end - eq - 1);
		if (r)
			snprintf(err, errlen, "--vfb '%s': too many keys", spec);
	}
	if (!r)
		r = cfg_uint(&d->cfg, "width", 64, DISPLAY_MAX_DIM,
			     &d->cfg.width, err, errlen);
	if (!r)
		r = cfg_uint(&d->cfg, "height", 64, DISPLAY_MAX_DIM,
			     &d->cfg.height, err, errlen);
	if (!r)
		r = cfg_uint(&d->cfg, "videoram", 1, DISPLAY_MAX_VIDEORAM,
			     &d->cfg.videoram, err, errlen);
	bytes = (uint64_t)d->cfg.width * d->cfg.height * 4;
	if (!r && bytes > ((uint64_t)d->cfg.videoram << 20)) {
		snprintf(err, errlen, "--vfb: %ux%u at 32 bits needs %llu MiB "
			 "of videoram, more than videoram=%u", d->cfg.width,
			 d->cfg.height,
			 (unsigned long long)((bytes + (1 << 20) - 1) >> 20),
			 d->cfg.videoram);
		r = -EINVAL;
	}
	disp = d;
	return r;
}

void display_set_name(const char *name)
{
	if (disp) {
		free(disp->cfg.name);
		disp->cfg.name = strdup(name);
	}
}

const char *display_fe_opt(struct display_fe *fe, const char *key)
{
	return cfg_get(&fe->disp->cfg, key);
}

const char *display_vm_name(struct display *d)
{
	return d->cfg.name ? d->cfg.name : "hxen";
}

void display_set_vnc_address(struct display *d, const char *host, int port)
{
	pthread_mutex_lock(&d->lock);
	free(d->vnc_host);
	d->vnc_host = host ? strdup(host) : NULL;
	d->vnc_port = port;
	pthread_mutex_unlock(&d->lock);
}

/* Set once at start, before the guest runs: safe to read afterwards. */
const char *display_vnc_address(struct display *d, int *port)
{
	*port = d->vnc_port;
	return d->vnc_host;
}

/* ---- surfaces ---- */

static struct display_surface *surface_new(struct display *d, uint32_t w,
					   uint32_t h, uint32_t depth)
{
	struct display_surface *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->pixels = calloc((size_t)w * h, 4);
	if (!s->pixels) {
		free(s);
		return NULL;
	}
	s->width = w;
	s->height = h;
	s->stride = w * 4;
	s->format = DISPLAY_XRGB8888;
	s->guest_depth = depth;
	s->generation = __atomic_add_fetch(&d->generation, 1, __ATOMIC_RELAXED);
	s->refs = 1;
	__atomic_add_fetch(&surfaces_alive, 1, __ATOMIC_RELAXED);
	return s;
}

int display_surfaces_alive(void)
{
	return __atomic_load_n(&surfaces_alive, __ATOMIC_RELAXED);
}

static int ensure_surface(struct display *d)
{
	if (d->cur)
		return 0;
	d->cur = surface_new(d, d->cfg.width, d->cfg.height, 32);
	return d->cur ? 0 : -ENOMEM;
}

struct display_surface *display_surface_get(struct display *d)
{
	struct display_surface *s;

	pthread_mutex_lock(&d->lock);
	ensure_surface(d);
	s = d->cur;
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&d->lock);
	return s;
}

void display_surface_put(struct display_surface *s)
{
	if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL))
		return;
	free(s->pixels);
	free(s);
	__atomic_sub_fetch(&surfaces_alive, 1, __ATOMIC_RELAXED);
}

struct display_surface *display_set_mode(struct display *d, uint32_t w,
					 uint32_t h, uint32_t depth)
{
	struct display_surface *s, *old;

	if (!w || !h || w > d->cfg.width || h > d->cfg.height ||
	    (uint64_t)w * h * ((depth + 7) / 8) >
	    ((uint64_t)d->cfg.videoram << 20))
		return NULL;
	s = surface_new(d, w, h, depth);
	if (!s)
		return NULL;
	pthread_mutex_lock(&d->lock);
	old = d->cur;
	d->cur = s;
	s->refs++;			/* the caller's */
	pthread_mutex_unlock(&d->lock);
	display_surface_put(old);
	for (struct display_fe *fe = d->fes; fe; fe = fe->next)
		if (fe->ops->resize)
			fe->ops->resize(fe, s);
	return s;
}

void display_flush(struct display *d, const struct display_dirty *dd)
{
	if (!dd->n)
		return;
	for (struct display_fe *fe = d->fes; fe; fe = fe->next)
		if (fe->ops->update)
			fe->ops->update(fe, dd->r, dd->n);
}

void display_set_vm_state(struct display *d, enum display_vm_state st)
{
	pthread_mutex_lock(&d->lock);
	d->state = st;
	pthread_mutex_unlock(&d->lock);
	for (struct display_fe *fe = d->fes; fe; fe = fe->next)
		if (fe->ops->state)
			fe->ops->state(fe, st);
}

enum display_vm_state display_vm_state(struct display *d)
{
	enum display_vm_state st;

	pthread_mutex_lock(&d->lock);
	st = d->state;
	pthread_mutex_unlock(&d->lock);
	return st;
}

/* ---- front ends ---- */

static bool enabled(struct display *d, const char *name)
{
	const char *v = cfg_get(&d->cfg, name);

	return v && !strcmp(v, "1");
}

int display_start(char *err, size_t errlen)
{
	struct display *d = disp;
	struct display_fe **tail;
	int r0;

	if (!d || d->started)
		return 0;
	pthread_mutex_lock(&d->lock);
	r0 = ensure_surface(d);
	pthread_mutex_unlock(&d->lock);
	if (r0)
		return r0;
	tail = &d->fes;
	for (const char *const *n = (const char *const[]){ "vnc", "sdl", NULL };
	     *n; n++) {
		const struct display_fe_ops *ops = NULL;
		struct display_fe *fe;
		int r;

		if (!enabled(d, *n))
			continue;
		for (unsigned int i = 0; i < nr_fe_types; i++)
			if (!strcmp(fe_types[i]->name, *n))
				ops = fe_types[i];
		if (!ops) {
			snprintf(err, errlen, "--vfb %s=1: this hxen-monitor "
				 "has no %s front end", *n, *n);
			display_stop();
			return -ENOTSUP;
		}
		fe = calloc(1, sizeof(*fe));
		if (!fe) {
			display_stop();
			return -ENOMEM;
		}
		fe->ops = ops;
		fe->disp = d;
		r = ops->start(fe, err, errlen);
		if (r) {
			free(fe);
			display_stop();
			return r;
		}
		*tail = fe;
		tail = &fe->next;
		if (ops->resize)
			ops->resize(fe, d->cur);
	}
	d->started = true;
	return 0;
}

void display_stop(void)
{
	struct display *d = disp;

	if (!d)
		return;
	while (d->fes) {
		struct display_fe *fe = d->fes;

		d->fes = fe->next;
		if (fe->ops->stop)
			fe->ops->stop(fe);
		free(fe);
	}
	d->started = false;
}

void display_reset(void)
{
	struct display *d = disp;

	if (!d)
		return;
	display_stop();
	display_surface_put(d->cur);
	for (unsigned int i = 0; i < d->cfg.nr_keys; i++) {
		free(d->cfg.keys[i]);
		free(d->cfg.vals[i]);
	}
	free(d->cfg.name);
	free(d->vnc_host);
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->in_lock);
	free(d);
	disp = NULL;
}

/* ---- input ---- */

void display_set_input(struct display *d, const struct display_input_ops *ops,
		       void *opaque, bool abs, uint32_t abs_w, uint32_t abs_h)
{
	pthread_mutex_lock(&d->in_lock);
	d->in = ops;
	d->in_opaque = opaque;
	d->abs = ops && abs;
	d->abs_w = abs_w;
	d->abs_h = abs_h;
	d->buttons = 0;
	pthread_mutex_unlock(&d->in_lock);
}

bool display_pointer_is_abs(struct display *d)
{
	bool abs;

	pthread_mutex_lock(&d->in_lock);
	abs = d->abs;
	pthread_mutex_unlock(&d->in_lock);
	return abs;
}

void display_key(struct display *d, unsigned int code, bool down)
{
	if (!code || code > LINUX_KEY_MAX)
		return;
	pthread_mutex_lock(&d->in_lock);
	if (d->in)
		d->in->key(d->in_opaque, code, down);
	pthread_mutex_unlock(&d->in_lock);
}

/* Presses and releases for the buttons that changed; in_lock held. */
static void buttons_locked(struct display *d, unsigned int buttons)
{
	static const struct {
		unsigned int bit, code;
	} map[] = {
		{ DISPLAY_BTN_LEFT, LINUX_BTN_LEFT },
		{ DISPLAY_BTN_MIDDLE, LINUX_BTN_MIDDLE },
		{ DISPLAY_BTN_RIGHT, LINUX_BTN_RIGHT },
	};
	unsigned int changed = (buttons ^ d->buttons) & 7;

	for (unsigned int i = 0; i < 3; i++)
		if (changed & map[i].bit)
			d->in->key(d->in_opaque, map[i].code,
				   buttons & map[i].bit);
	d->buttons = buttons & 7;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void display_pointer_abs(struct display *d, int x, int y,
			 unsigned int buttons, int wheel)
{
	struct display_surface *s = display_surface_get(d);
	int w = s ? s->width : 1, h = s ? s->height : 1;

	display_surface_put(s);
	x = clampi(x, 0, w - 1);
	y = clampi(y, 0, h - 1);
	pthread_mutex_lock(&d->in_lock);
	if (d->in && d->abs) {
		/* kbdfront's ABS range is 0..width/height of its keys */
		int ax = (int)((int64_t)x * d->abs_w / (w > 1 ? w - 1 : 1));
		int ay = (int)((int64_t)y * d->abs_h / (h > 1 ? h - 1 : 1));

		/* kbdfront reports REL_WHEEL as -rel_z */
		d->in->abs(d->in_opaque, ax, ay, -wheel);
	} else if (d->in) {
		/* the guest only takes relative motion: send the step */
		d->in->rel(d->in_opaque, x - d->last_x, y - d->last_y, -wheel);
	}
	d->last_x = x;
	d->last_y = y;
	if (d->in)
		buttons_locked(d, buttons);
	pthread_mutex_unlock(&d->in_lock);
}

void display_pointer_rel(struct display *d, int dx, int dy,
			 unsigned int buttons, int wheel)
{
	pthread_mutex_lock(&d->in_lock);
	if (d->in) {
		d->in->rel(d->in_opaque, dx, dy, -wheel);
		buttons_locked(d, buttons);
	}
	pthread_mutex_unlock(&d->in_lock);
}

void display_set_poweroff(void (*fn)(bool force))
{
	poweroff_fn = fn;
}

void display_request_poweroff(struct display *d, bool force)
{
	if (poweroff_fn)
		poweroff_fn(force);
}

/* ---- screenshots ---- */

int display_screenshot(struct display *d, const char *path, char *err,
		       size_t errlen)
{
	struct display_surface *s;
	int r;

	s = display_surface_get(d);
	if (!s)
		return -ENOMEM;
	r = display_png_write(path, s->pixels, s->width, s->height, s->stride,
			      err, errlen);
	display_surface_put(s);
	return r;
}
