/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device registry of hxen-monitor.
 *
 * Each device model is one file that registers itself at program start
 * with DEV_MODEL(); the monitor calls every model's init() once the VM
 * exists, and init() claims port and MMIO ranges with dev_claim_pio() /
 * dev_claim_mmio().  vCPU threads then route I/O and MMIO exits through
 * dev_pio_access() / dev_mmio_access().
 *
 * Unclaimed ports read all-ones and ignore writes; so does unclaimed MMIO.
 * Callbacks run on the vCPU thread that took the exit, possibly on several
 * vCPUs at once: a device protects its own state.  Claims may be made or
 * released at any time (the registry is rwlocked).
 */
#ifndef DEV_DEV_H
#define DEV_DEV_H

#include <stdbool.h>
#include <stdint.h>

struct mon_config;

/*
 * What the monitor offers devices.  Every callback may be called from any
 * thread.
 */
struct dev_env {
	const struct mon_config *cfg;
	void *host;		/* the monitor's private VM pointer */
	unsigned int nr_vcpus;
	/* Queue external interrupt @vector (32..255) on @vcpu (HXEN_INTERRUPT). */
	int (*interrupt)(struct dev_env *env, unsigned int vcpu,
			 unsigned int vector);
	/* End the VM: the monitor exits with @status after stopping vCPUs. */
	void (*stop)(struct dev_env *env, int status, const char *why);
	/* Drive interrupt line @gsi; NULL until an interrupt controller
	 * (LAPIC/IOAPIC) exists: devices must check. */
	void (*irq_line)(struct dev_env *env, unsigned int gsi, int level);
};

/* Port I/O: @off is relative to the claimed base; @size 1, 2 or 4. */
struct dev_pio_ops {
	uint32_t (*read)(void *opaque, uint16_t off, unsigned int size);
	void (*write)(void *opaque, uint16_t off, unsigned int size,
		      uint32_t val);
};

/* MMIO: @off is relative to the claimed base; @len 1, 2, 4 or 8. */
struct dev_mmio_ops {
	uint64_t (*read)(void *opaque, uint64_t off, unsigned int len);
	void (*write)(void *opaque, uint64_t off, unsigned int len,
		      uint64_t val);
};

/* Claim flags */
#define DEV_BYTE_ONLY	(1U << 0)	/* split wider accesses into bytes */

int dev_claim_pio(uint16_t base, uint32_t len, const struct dev_pio_ops *ops,
		  void *opaque, unsigned int flags, const char *name);
int dev_claim_mmio(uint64_t base, uint64_t len, const struct dev_mmio_ops *ops,
		   void *opaque, unsigned int flags, const char *name);
int dev_release_pio(uint16_t base);
int dev_release_mmio(uint64_t base);

/*
 * Dispatch one access.  Reads fill *val (all-ones where unclaimed).
 * Return true if at least one byte was claimed by a device.  An access
 * crossing the end of a claimed range is split into bytes, each routed to
 * its own owner.
 */
bool dev_pio_access(uint16_t port, unsigned int size, bool write,
		    uint32_t *val);
bool dev_mmio_access(uint64_t gpa, unsigned int len, bool write,
		     uint64_t *val);

/* Called for accesses nobody claimed (the monitor logs them once). */
typedef void dev_unclaimed_fn(bool mmio, uint64_t addr, unsigned int size,
			      bool write);
void dev_set_unclaimed_hook(dev_unclaimed_fn *fn);

/* A device model. */
struct dev_model {
	const char *name;
	/* Claim ranges, start threads; < 0 (after a message) fails setup. */
	int (*init)(struct dev_env *env);
	/* Stop threads, release resources (after the vCPUs stopped). */
	void (*fini)(struct dev_env *env);
	struct dev_model *next;
};

void dev_model_register(struct dev_model *m);

#define DEV_MODEL(model)						\
	static void __attribute__((constructor)) dev_register_##model(void) \
	{								\
		dev_model_register(&model);				\
	}

/* Initialise every model (in name order); unwinds on failure. */
int dev_init_all(struct dev_env *env);
void dev_fini_all(struct dev_env *env);

/* Drop every claim (tests, teardown). */
void dev_registry_reset(void);

/* Helper for devices: interrupt injection through the environment. */
static inline int dev_interrupt(struct dev_env *env, unsigned int vcpu,
				unsigned int vector)
{
	return env->interrupt ? env->interrupt(env, vcpu, vector) : -1;
}

#endif /* DEV_DEV_H */
