// SPDX-License-Identifier: GPL-2.0
/* Device registry (devices/dev.c) and the test device (dev_testdev.c). */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "devices/dev.h"
#include "hxen/testdev.h"

/* ---- a fake device recording its accesses ---- */

struct fake {
	unsigned int reads, writes;
	uint64_t last_off, last_val;
	unsigned int last_size;
	uint8_t regs[16];
};

static uint32_t fake_pio_read(void *o, uint16_t off, unsigned int size)
{
	struct fake *f = o;
	uint32_t v = 0;

	f->reads++;
	f->last_off = off;
	f->last_size = size;
	memcpy(&v, f->regs + off, size);
	return v;
}

static void fake_pio_write(void *o, uint16_t off, unsigned int size,
			   uint32_t val)
{
	struct fake *f = o;

	f->writes++;
	f->last_off = off;
	f->last_size = size;
	f->last_val = val;
	memcpy(f->regs + off, &val, size);
}

static uint64_t fake_mmio_read(void *o, uint64_t off, unsigned int len)
{
	return fake_pio_read(o, off, len > 4 ? 4 : len);
}

static const struct dev_pio_ops fake_pio = { fake_pio_read, fake_pio_write };
static const struct dev_mmio_ops fake_mmio = { fake_mmio_read, NULL };

static unsigned int unclaimed_calls;
static uint64_t unclaimed_addr;

static void on_unclaimed(bool mmio, uint64_t addr, unsigned int size,
			 bool write)
{
	unclaimed_calls++;
	unclaimed_addr = addr;
}

static void test_claims(void)
{
	struct fake a = { 0 }, b = { 0 };

	dev_registry_reset();
	CU_ASSERT_EQUAL(dev_claim_pio(0x100, 8, &fake_pio, &a, 0, "a"), 0);
	CU_ASSERT_EQUAL(dev_claim_pio(0x104, 8, &fake_pio, &b, 0, "b"), -EBUSY);
	CU_ASSERT_EQUAL(dev_claim_pio(0xffff, 2, &fake_pio, &b, 0, "b"),
			-EINVAL);
	CU_ASSERT_EQUAL(dev_claim_pio(0x108, 0, &fake_pio, &b, 0, "b"),
			-EINVAL);
	CU_ASSERT_EQUAL(dev_claim_pio(0x108, 8, &fake_pio, &b, DEV_BYTE_ONLY,
				      "b"), 0);
	CU_ASSERT_EQUAL(dev_claim_mmio(0xfe000000, 0x1000, &fake_mmio, &a, 0,
				       "m"), 0);
	CU_ASSERT_EQUAL(dev_claim_mmio(0xfe000800, 0x1000, &fake_mmio, &a, 0,
				       "m2"), -EBUSY);
	CU_ASSERT_EQUAL(dev_claim_mmio(~0ULL - 10, 0x1000, &fake_mmio, &a, 0,
				       "m3"), -EINVAL);
	CU_ASSERT_EQUAL(dev_release_pio(0x108), 0);
	CU_ASSERT_EQUAL(dev_release_pio(0x108), -ENOENT);
	CU_ASSERT_EQUAL(dev_claim_pio(0x104 + 4, 8, &fake_pio, &b, 0, "b"), 0);
	dev_registry_reset();
}

static void test_routing(void)
{
	struct fake a = { 0 }, b = { 0 };
	uint32_t v;
	uint64_t q;

	dev_registry_reset();
	dev_set_unclaimed_hook(on_unclaimed);
	unclaimed_calls = 0;
	dev_claim_pio(0x100, 4, &fake_pio, &a, 0, "a");
	dev_claim_pio(0x104, 4, &fake_pio, &b, DEV_BYTE_ONLY, "b");

	/* whole access inside a: one call with offset and size */
	v = 0x11223344;
	CU_ASSERT_TRUE(dev_pio_access(0x100, 4, true, &v));
	CU_ASSERT_EQUAL(a.writes, 1);
	CU_ASSERT_EQUAL(a.last_size, 4);
	CU_ASSERT_TRUE(dev_pio_access(0x102, 2, false, &v));
	CU_ASSERT_EQUAL(v, 0x1122);
	CU_ASSERT_EQUAL(a.last_off, 2);

	/* byte-only device: a word write becomes two byte writes */
	v = 0xbbaa;
	CU_ASSERT_TRUE(dev_pio_access(0x104, 2, true, &v));
	CU_ASSERT_EQUAL(b.writes, 2);
	CU_ASSERT_EQUAL(b.regs[0], 0xaa);
	CU_ASSERT_EQUAL(b.regs[1], 0xbb);

	/* straddling a -> b: bytes to their owners */
	v = 0xddccbbaa;
	CU_ASSERT_TRUE(dev_pio_access(0x102, 4, true, &v));
	CU_ASSERT_EQUAL(a.regs[2], 0xaa);
	CU_ASSERT_EQUAL(a.regs[3], 0xbb);
	CU_ASSERT_EQUAL(b.regs[0], 0xcc);
	CU_ASSERT_EQUAL(b.regs[1], 0xdd);

	/* half claimed: the unclaimed bytes read all-ones */
	CU_ASSERT_TRUE(dev_pio_access(0x106, 4, false, &v));
	CU_ASSERT_EQUAL(v & 0xffff0000, 0xffff0000);
	CU_ASSERT_EQUAL(unclaimed_calls, 0);

	/* unclaimed entirely: all-ones, hook called once */
	CU_ASSERT_FALSE(dev_pio_access(0x200, 4, false, &v));
	CU_ASSERT_EQUAL(v, 0xffffffff);
	CU_ASSERT_FALSE(dev_pio_access(0x200, 2, false, &v));
	CU_ASSERT_EQUAL(v, 0xffff);
	CU_ASSERT_EQUAL(unclaimed_calls, 2);
	CU_ASSERT_EQUAL(unclaimed_addr, 0x200);
	/* the last port: nothing wraps around to port 0 */
	CU_ASSERT_FALSE(dev_pio_access(0xffff, 4, false, &v));
	CU_ASSERT_EQUAL(v, 0xffffffff);
	CU_ASSERT_FALSE(dev_pio_access(0x100, 3, false, &v));	/* bad size */

	/* MMIO: unclaimed reads all-ones, writes ignored */
	q = 0;
	CU_ASSERT_FALSE(dev_mmio_access(0xd0000000, 8, false, &q));
	CU_ASSERT_EQUAL(q, ~0ULL);
	CU_ASSERT_FALSE(dev_mmio_access(0xd0000000, 2, false, &q));
	CU_ASSERT_EQUAL(q, 0xffff);
	dev_claim_mmio(0xd0000000, 16, &fake_mmio, &a, 0, "m");
	q = 5;
	CU_ASSERT_TRUE(dev_mmio_access(0xd0000000, 4, true, &q)); /* no write op */
	CU_ASSERT_TRUE(dev_mmio_access(0xd0000000, 4, false, &q));
	CU_ASSERT_EQUAL(q, 0xbbaa3344);
	dev_set_unclaimed_hook(NULL);
	dev_registry_reset();
}

/* ---- test device through a fake environment ---- */

static struct {
	pthread_mutex_t lock;
	int stops, status;
	unsigned int irqs, vcpu, vector;
	pthread_t irq_thread;
} env_log = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int env_interrupt(struct dev_env *e, unsigned int vcpu,
			 unsigned int vector)
{
	pthread_mutex_lock(&env_log.lock);
	env_log.irqs++;
	env_log.vcpu = vcpu;
	env_log.vector = vector;
	env_log.irq_thread = pthread_self();
	pthread_mutex_unlock(&env_log.lock);
	return 0;
}

static void env_stop(struct dev_env *e, int status, const char *why)
{
	env_log.stops++;
	env_log.status = status;
}

static struct dev_model *find_model(const char *name);

static unsigned int irqs_now(void)
{
	unsigned int n;

	pthread_mutex_lock(&env_log.lock);
	n = env_log.irqs;
	pthread_mutex_unlock(&env_log.lock);
	return n;
}

static void test_testdev(void)
{
	struct dev_env env = { .nr_vcpus = 1, .interrupt = env_interrupt,
			       .stop = env_stop };
	uint32_t v;
	uint64_t q;
	struct timespec t0, t1;
	long waited_us;

	dev_registry_reset();
	memset(&env_log.stops, 0, sizeof(env_log) - sizeof(env_log.lock));
	CU_ASSERT_EQUAL_FATAL(dev_init_all(&env), 0);

	/* echo */
	v = 0xcafef00d;
	dev_pio_access(HXEN_TESTDEV_ECHO, 4, true, &v);
	v = 0;
	CU_ASSERT_TRUE(dev_pio_access(HXEN_TESTDEV_ECHO, 4, false, &v));
	CU_ASSERT_EQUAL(v, 0xcafef00d);
	CU_ASSERT_TRUE(dev_pio_access(HXEN_TESTDEV_ECHO + 1, 1, false, &v));
	CU_ASSERT_EQUAL(v, 0xf0);
	v = 0x12;
	dev_pio_access(HXEN_TESTDEV_ECHO + 3, 1, true, &v);
	dev_pio_access(HXEN_TESTDEV_ECHO, 4, false, &v);
	CU_ASSERT_EQUAL(v, 0x12fef00d);
	/* other ports of the device read all-ones */
	dev_pio_access(HXEN_TESTDEV_NOP, 4, false, &v);
	CU_ASSERT_EQUAL(v, 0xffffffff);
	v = 1;
	dev_pio_access(HXEN_TESTDEV_NOP, 4, true, &v);
	CU_ASSERT_EQUAL(env_log.stops, 0);

	/* MMIO page */
	q = 0x0102030405060708ULL;
	CU_ASSERT_TRUE(dev_mmio_access(HXEN_TESTDEV_MMIO_GPA, 8, true, &q));
	CU_ASSERT_TRUE(dev_mmio_access(HXEN_TESTDEV_MMIO_GPA, 2, false, &q));
	CU_ASSERT_EQUAL(q, 0x0708);
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA, 8, false, &q);
	CU_ASSERT_EQUAL(q, 0x0102030405060708ULL);
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA + 8, 8, false, &q);
	CU_ASSERT_EQUAL(q, HXEN_TESTDEV_MAGIC);
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA + 8, 4, false, &q);
	CU_ASSERT_EQUAL(q, HXEN_TESTDEV_MAGIC & 0xffffffff);
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA + 16, 4, false, &q);
	CU_ASSERT_EQUAL(q, 0xffffffff);
	q = 0x99;
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA + 8, 8, true, &q);  /* ignored */
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA + 8, 8, false, &q);
	CU_ASSERT_EQUAL(q, HXEN_TESTDEV_MAGIC);
	q = 0xab;
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA, 1, true, &q);	/* replaces */
	dev_mmio_access(HXEN_TESTDEV_MMIO_GPA, 8, false, &q);
	CU_ASSERT_EQUAL(q, 0xab);

	/* delayed interrupt from another thread: 20 ms, vector 0x40 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	v = (20000 << 8) | 0x40;
	dev_pio_access(HXEN_TESTDEV_IRQ, 4, true, &v);
	CU_ASSERT_EQUAL(irqs_now(), 0);
	for (int i = 0; i < 200 && !irqs_now(); i++)
		usleep(1000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited_us = (t1.tv_sec - t0.tv_sec) * 1000000L +
		    (t1.tv_nsec - t0.tv_nsec) / 1000;
	CU_ASSERT_EQUAL(irqs_now(), 1);
	CU_ASSERT(waited_us >= 20000);
	CU_ASSERT_EQUAL(env_log.vcpu, 0);
	CU_ASSERT_EQUAL(env_log.vector, 0x40);
	CU_ASSERT_FALSE(pthread_equal(env_log.irq_thread, pthread_self()));
	/* exception vectors are refused */
	v = 0x0e;
	dev_pio_access(HXEN_TESTDEV_IRQ, 4, true, &v);
	usleep(20000);
	CU_ASSERT_EQUAL(irqs_now(), 1);

	/* power-off with the value written */
	v = 0x1234;
	dev_pio_access(HXEN_TESTDEV_POWEROFF, 2, true, &v);
	CU_ASSERT_EQUAL(env_log.stops, 1);
	CU_ASSERT_EQUAL(env_log.status, 0x34);

	dev_fini_all(&env);
	CU_ASSERT_FALSE(dev_pio_access(HXEN_TESTDEV_ECHO, 4, false, &v));
	CU_ASSERT_PTR_NULL(find_model("no-such-device"));
	dev_registry_reset();
}

static struct dev_model *find_model(const char *name)
{
	return NULL;	/* models are private to dev.c; see dev_init_all */
}

static const CU_TestInfo dev_tests[] = {
	{ "claims", test_claims },
	{ "routing", test_routing },
	{ "test device", test_testdev },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(dev, dev_tests);
