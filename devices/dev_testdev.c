// SPDX-License-Identifier: GPL-2.0
/*
 * The hxen test device, exactly as include/hxen/testdev.h specifies:
 * power-off, echo, delayed-interrupt and no-op ports, and an MMIO page
 * with a 64-bit echo register and a magic value.
 *
 * Interrupt requests are served by a timer thread of this device (never
 * the vCPU thread that wrote the request), so the vCPU can HLT and be
 * woken by HXEN_INTERRUPT from outside, which is what the test measures.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "devices/dev.h"
#include "hxen/testdev.h"
#include "monitor/log.h"

#define TD_PORT_BASE	HXEN_TESTDEV_POWEROFF
#define TD_PORT_LEN	(HXEN_TESTDEV_NOP + 4 - HXEN_TESTDEV_POWEROFF)
#define TD_MAX_PENDING	64

struct td_irq {
	uint64_t due_ns;		/* CLOCK_MONOTONIC */
	uint8_t vector;
};

struct testdev {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* new request or stop */
	struct dev_env *env;
	uint32_t echo;
	uint64_t mmio_echo;
	struct td_irq q[TD_MAX_PENDING];	/* sorted by due_ns */
	unsigned int nq;
	bool stop;
	pthread_t thread;
	bool thread_running;
};

static struct testdev td;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void *irq_thread(void *arg)
{
	struct testdev *d = arg;

	pthread_setname_np(pthread_self(), "testdev-irq");
	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		uint64_t now = now_ns();
		struct timespec ts;
		uint8_t vector;

		if (!d->nq) {
			pthread_cond_wait(&d->cond, &d->lock);
			continue;
		}
		if (d->q[0].due_ns > now) {
			ts.tv_sec = d->q[0].due_ns / 1000000000ULL;
			ts.tv_nsec = d->q[0].due_ns % 1000000000ULL;
			pthread_cond_timedwait(&d->cond, &d->lock, &ts);
			continue;
		}
		vector = d->q[0].vector;
		memmove(&d->q[0], &d->q[1], --d->nq * sizeof(d->q[0]));
		/* no lock held while talking to the module */
		pthread_mutex_unlock(&d->lock);
		dev_interrupt(d->env, 0, vector);
		pthread_mutex_lock(&d->lock);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

static void request_irq(struct testdev *d, uint32_t val)
{
	uint8_t vector = val & 0xff;
	uint64_t due = now_ns() + (uint64_t)(val >> 8) * 1000;
	unsigned int i;

	if (vector < 32) {
		mon_warn("test device: interrupt vector %u requested; vectors "
			 "0..31 are exceptions, ignored", vector);
		return;
	}
	pthread_mutex_lock(&d->lock);
	if (d->nq == TD_MAX_PENDING) {
		pthread_mutex_unlock(&d->lock);
		mon_warn("test device: more than %d interrupt requests "
			 "pending, request dropped", TD_MAX_PENDING);
		return;
	}
	for (i = d->nq; i && d->q[i - 1].due_ns > due; i--)
		d->q[i] = d->q[i - 1];
	d->q[i] = (struct td_irq){ due, vector };
	d->nq++;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

/* Byte lanes of a 32-bit register at ports base..base+3. */
static uint32_t lane_mask(unsigned int shift, unsigned int size)
{
	uint64_t m = size >= 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;

	return (uint32_t)(m << shift);
}

static uint32_t td_pio_read(void *opaque, uint16_t off, unsigned int size)
{
	struct testdev *d = opaque;
	uint16_t reg = off & ~3, lane = off & 3;
	uint32_t v = ~0U;

	if (reg == HXEN_TESTDEV_ECHO - TD_PORT_BASE) {
		pthread_mutex_lock(&d->lock);
		v = d->echo >> (8 * lane);
		pthread_mutex_unlock(&d->lock);
		/* bytes beyond the register's last lane read all-ones */
		if (lane + size > 4)
			v |= ~0U << (8 * (4 - lane));
	}
	return v;
}

static void td_pio_write(void *opaque, uint16_t off, unsigned int size,
			 uint32_t val)
{
	struct testdev *d = opaque;
	uint16_t reg = off & ~3, lane = off & 3;

	switch (reg + TD_PORT_BASE) {
	case HXEN_TESTDEV_POWEROFF:
		mon_dbg("test device: power-off with value %#x", val);
		d->env->stop(d->env, val & 0xff, "test device power-off");
		break;
	case HXEN_TESTDEV_ECHO:
		pthread_mutex_lock(&d->lock);
		d->echo = (d->echo & ~lane_mask(8 * lane, size)) |
			  ((val << (8 * lane)) & lane_mask(8 * lane, size));
		pthread_mutex_unlock(&d->lock);
		break;
	case HXEN_TESTDEV_IRQ:
		request_irq(d, val);
		break;
	default:			/* HXEN_TESTDEV_NOP */
		break;
	}
}

static uint64_t low_bytes(uint64_t v, unsigned int len)
{
	return len >= 8 ? v : v & ((1ULL << (8 * len)) - 1);
}

static uint64_t td_mmio_read(void *opaque, uint64_t off, unsigned int len)
{
	struct testdev *d = opaque;
	uint64_t v;

	if (off == 0) {
		pthread_mutex_lock(&d->lock);
		v = d->mmio_echo;
		pthread_mutex_unlock(&d->lock);
		return low_bytes(v, len);
	}
	if (off == 8)
		return low_bytes(HXEN_TESTDEV_MAGIC, len);
	return ~0ULL;
}

static void td_mmio_write(void *opaque, uint64_t off, unsigned int len,
			  uint64_t val)
{
	struct testdev *d = opaque;

	if (off != 0)
		return;
	pthread_mutex_lock(&d->lock);
	d->mmio_echo = low_bytes(val, len);
	pthread_mutex_unlock(&d->lock);
}

static const struct dev_pio_ops td_pio_ops = {
	.read = td_pio_read,
	.write = td_pio_write,
};

static const struct dev_mmio_ops td_mmio_ops = {
	.read = td_mmio_read,
	.write = td_mmio_write,
};

static int td_init(struct dev_env *env)
{
	struct testdev *d = &td;
	pthread_condattr_t ca;
	int r;

	memset(d, 0, sizeof(*d));
	d->env = env;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cond, &ca);
	pthread_condattr_destroy(&ca);

	r = dev_claim_pio(TD_PORT_BASE, TD_PORT_LEN, &td_pio_ops, d, 0,
			  "testdev");
	if (r < 0)
		return r;
	r = dev_claim_mmio(HXEN_TESTDEV_MMIO_GPA, HXEN_TESTDEV_MMIO_SIZE,
			   &td_mmio_ops, d, 0, "testdev-mmio");
	if (r < 0)
		goto err_pio;
	r = -pthread_create(&d->thread, NULL, irq_thread, d);
	if (r < 0) {
		mon_err("test device: cannot start its thread: %s",
			strerror(-r));
		goto err_mmio;
	}
	d->thread_running = true;
	return 0;

err_mmio:
	dev_release_mmio(HXEN_TESTDEV_MMIO_GPA);
err_pio:
	dev_release_pio(TD_PORT_BASE);
	return r;
}

static void td_fini(struct dev_env *env)
{
	struct testdev *d = &td;

	if (!d->thread_running)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	d->thread_running = false;
	dev_release_mmio(HXEN_TESTDEV_MMIO_GPA);
	dev_release_pio(TD_PORT_BASE);
}

static struct dev_model testdev_model = {
	.name = "testdev",
	.init = td_init,
	.fini = td_fini,
};
DEV_MODEL(testdev_model);
