// SPDX-License-Identifier: GPL-2.0
/*
 * Device registry (devices/dev.h): the list of device models and the
 * sorted tables of claimed port and MMIO ranges.
 *
 * Lookups copy the matching claim under a read lock and call the device
 * without the lock held, so a device may claim or release ranges from its
 * own callbacks (e.g. a PCI BAR move).  Releasing a range does not wait
 * for calls in flight: devices release at teardown, after vCPUs stopped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "devices/dev.h"

#define DEV_MAX_CLAIMS	128

struct claim {
	uint64_t base, len;
	const void *ops;		/* dev_pio_ops or dev_mmio_ops */
	void *opaque;
	unsigned int flags;
	const char *name;
};

struct claim_table {
	struct claim c[DEV_MAX_CLAIMS];
	unsigned int n;
	uint64_t limit;			/* exclusive end of the address space */
	const char *what;
};

static struct claim_table pio_tab = { .limit = 0x10000, .what = "port" };
static struct claim_table mmio_tab = { .limit = 0, .what = "MMIO" };
static pthread_rwlock_t claim_lock = PTHREAD_RWLOCK_INITIALIZER;
static dev_unclaimed_fn *unclaimed_hook;
static struct dev_model *models;

static int claim_add(struct claim_table *t, uint64_t base, uint64_t len,
		     const void *ops, void *opaque, unsigned int flags,
		     const char *name)
{
	unsigned int i;
	int r = 0;

	if (!ops || !len || base + len < base ||
	    (t->limit && base + len > t->limit)) {
		fprintf(stderr, "hxen-monitor: %s: bad %s range %#llx+%#llx\n",
			name ? name : "?", t->what, (unsigned long long)base,
			(unsigned long long)len);
		return -EINVAL;
	}
	pthread_rwlock_wrlock(&claim_lock);
	for (i = 0; i < t->n; i++) {
		const struct claim *c = &t->c[i];

		if (base < c->base + c->len && c->base < base + len) {
			fprintf(stderr, "hxen-monitor: %s: %s range %#llx+%#llx "
				"already claimed by %s\n", name ? name : "?",
				t->what, (unsigned long long)base,
				(unsigned long long)len, c->name);
			r = -EBUSY;
			goto out;
		}
	}
	if (t->n == DEV_MAX_CLAIMS) {
		r = -ENOSPC;
		goto out;
	}
	for (i = 0; i < t->n && t->c[i].base < base; i++)
		;
	memmove(&t->c[i + 1], &t->c[i], (t->n - i) * sizeof(t->c[0]));
	t->c[i] = (struct claim){ base, len, ops, opaque, flags,
				  name ? name : "?" };
	t->n++;
out:
	pthread_rwlock_unlock(&claim_lock);
	return r;
}

static int claim_del(struct claim_table *t, uint64_t base)
{
	int r = -ENOENT;

	pthread_rwlock_wrlock(&claim_lock);
	for (unsigned int i = 0; i < t->n; i++) {
		if (t->c[i].base == base) {
			memmove(&t->c[i], &t->c[i + 1],
				(t->n - i - 1) * sizeof(t->c[0]));
			t->n--;
			r = 0;
			break;
		}
	}
	pthread_rwlock_unlock(&claim_lock);
	return r;
}

/* Copy the claim covering @addr into *out; false if none. */
static bool claim_find(struct claim_table *t, uint64_t addr, struct claim *out)
{
	unsigned int lo = 0, hi;
	bool found = false;

	pthread_rwlock_rdlock(&claim_lock);
	hi = t->n;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct claim *c = &t->c[mid];

		if (addr < c->base) {
			hi = mid;
		} else if (addr - c->base >= c->len) {
			lo = mid + 1;
		} else {
			*out = *c;
			found = true;
			break;
		}
	}
	pthread_rwlock_unlock(&claim_lock);
	return found;
}

int dev_claim_pio(uint16_t base, uint32_t len, const struct dev_pio_ops *ops,
		  void *opaque, unsigned int flags, const char *name)
{
	return claim_add(&pio_tab, base, len, ops, opaque, flags, name);
}

int dev_claim_mmio(uint64_t base, uint64_t len, const struct dev_mmio_ops *ops,
		   void *opaque, unsigned int flags, const char *name)
{
	return claim_add(&mmio_tab, base, len, ops, opaque, flags, name);
}

int dev_release_pio(uint16_t base)
{
	return claim_del(&pio_tab, base);
}

int dev_release_mmio(uint64_t base)
{
	return claim_del(&mmio_tab, base);
}

void dev_registry_reset(void)
{
	pthread_rwlock_wrlock(&claim_lock);
	pio_tab.n = 0;
	mmio_tab.n = 0;
	pthread_rwlock_unlock(&claim_lock);
}

void dev_set_unclaimed_hook(dev_unclaimed_fn *fn)
{
	unclaimed_hook = fn;
}

/*
 * One access of @size bytes (<= 8) at @addr: routed whole when it fits in
 * one claim that takes wide accesses, otherwise byte by byte.
 */
static bool route(struct claim_table *t, bool mmio, uint64_t addr,
		   unsigned int size, bool write, uint64_t *val, bool report)
{
	struct claim c;
	uint64_t out = 0;
	bool any = false;

	if (claim_find(t, addr, &c) && addr - c.base + size <= c.len &&
	    (size == 1 || !(c.flags & DEV_BYTE_ONLY))) {
		uint64_t off = addr - c.base;

		if (mmio) {
			const struct dev_mmio_ops *ops = c.ops;

			if (write && ops->write)
				ops->write(c.opaque, off, size, *val);
			else if (!write)
				*val = ops->read ? ops->read(c.opaque, off, size)
						 : ~0ULL;
		} else {
			const struct dev_pio_ops *ops = c.ops;

			if (write && ops->write)
				ops->write(c.opaque, off, size, *val);
			else if (!write)
				*val = ops->read ? ops->read(c.opaque, off, size)
						 : ~0U;
		}
		return true;
	}
	if (size == 1 || (t->limit && addr + 1 >= t->limit)) {
		/* a lone byte nobody owns (or the last port) */
		if (!write)
			*val = ~0ULL;
		if (report && unclaimed_hook)
			unclaimed_hook(mmio, addr, size, write);
		return false;
	}
	for (unsigned int i = 0; i < size; i++) {
		uint64_t b = (*val >> (8 * i)) & 0xff;

		if (t->limit && addr + i >= t->limit)
			b = 0xff;	/* beyond the port space */
		else
			any |= route(t, mmio, addr + i, 1, write, &b, false);
		out |= (b & 0xff) << (8 * i);
	}
	if (!write)
		*val = out;
	if (!any && unclaimed_hook)
		unclaimed_hook(mmio, addr, size, write);
	return any;
}

bool dev_pio_access(uint16_t port, unsigned int size, bool write,
		    uint32_t *val)
{
	uint64_t v = *val;
	bool r;

	if (size != 1 && size != 2 && size != 4) {
		if (!write)
			*val = ~0U;
		return false;
	}
	r = route(&pio_tab, false, port, size, write, &v, true);
	if (!write)
		*val = size == 4 ? (uint32_t)v : (uint32_t)v & ((1U << (8 * size)) - 1);
	return r;
}

bool dev_mmio_access(uint64_t gpa, unsigned int len, bool write,
		     uint64_t *val)
{
	bool r;

	if (len != 1 && len != 2 && len != 4 && len != 8) {
		if (!write)
			*val = ~0ULL;
		return false;
	}
	r = route(&mmio_tab, true, gpa, len, write, val, true);
	if (!write && len < 8)
		*val &= (1ULL << (8 * len)) - 1;
	return r;
}

void dev_model_register(struct dev_model *m)
{
	struct dev_model **p = &models;

	/* sorted by name so that init order does not depend on link order */
	while (*p && strcmp((*p)->name, m->name) < 0)
		p = &(*p)->next;
	m->next = *p;
	*p = m;
}

int dev_init_all(struct dev_env *env)
{
	for (struct dev_model *m = models; m; m = m->next) {
		int r = m->init ? m->init(env) : 0;

		if (r < 0) {
			for (struct dev_model *u = models; u != m; u = u->next)
				if (u->fini)
					u->fini(env);
			return r;
		}
	}
	return 0;
}

void dev_fini_all(struct dev_env *env)
{
	for (struct dev_model *m = models; m; m = m->next)
		if (m->fini)
			m->fini(env);
}
