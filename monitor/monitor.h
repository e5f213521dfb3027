/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hxen-monitor internals shared by its files: the VM and vCPU objects,
 * exit statuses, setup hooks, and the run loop's entry points.
 */
#ifndef MON_MONITOR_H
#define MON_MONITOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "hxen/libhxen.h"
#include "devices/dev.h"
#include "monitor/config.h"
#include "monitor/loader.h"
#include "monitor/mem.h"

/* Process exit statuses (docs/monitor.md).  The test device's power-off
 * port exits with the value written, & 0xff. */
enum mon_exit_status {
	MON_EXIT_POWEROFF = 0,	/* guest powered off; stopped by a signal */
	MON_EXIT_INTERNAL = 1,	/* triple fault, failed entry, internal error */
	MON_EXIT_SETUP = 2,	/* bad input or setup failure */
	MON_EXIT_HUNG = 3,	/* HLT with interrupts off, nothing pending */
	MON_EXIT_CRASH = 4,	/* guest crash (Xen SHUTDOWN_crash/watchdog) */
	MON_EXIT_REBOOT = 5,	/* guest asked for a reboot */
};

struct mon_vm;

struct mon_vcpu {
	struct hxen_vcpu hv;
	struct mon_vm *vm;
	pthread_t thread;
	bool thread_started;
	bool halted_noirq;	/* last exit was HLT with IF=0 (exits.c) */
};

struct mon_vm {
	const struct mon_config *cfg;
	struct hxen hx;
	struct hxen_vm hvm;
	struct mon_mem mem;
	struct mon_image image;
	uint64_t start_info_gpa;	/* EBX at entry; 0 = none (test guest) */
	unsigned int nr_vcpus;
	struct mon_vcpu *vcpus;
	struct dev_env env;
	unsigned int nr_slots;
	bool devices_up;

	atomic_bool stopping;
	int exit_status;		/* valid once stopping */
	pthread_mutex_t stop_lock;
	pthread_t main_thread;
};

/*
 * Setup hooks, run in registration phases so boot code (PVH start_info,
 * ACPI, xenstore, ...) plugs in from its own files:
 *   LAYOUT: before guest RAM is mapped: add regions to vm->mem
 *   IMAGE:  after the image is loaded, before /dev/hxen is opened:
 *           build boot structures in RAM, set vm->start_info_gpa
 *   VM:     after the VM, slots and vCPUs exist, before devices init:
 *           Xen config, event channels, ...
 * fn returns 0 or a negative errno after writing a message into @err;
 * fini (may be NULL) runs at teardown in reverse order for hooks whose fn
 * succeeded.
 */
enum mon_hook_phase { MON_PHASE_LAYOUT, MON_PHASE_IMAGE, MON_PHASE_VM };

struct mon_hook {
	const char *name;
	enum mon_hook_phase phase;
	int (*fn)(struct mon_vm *vm, char *err, size_t errlen);
	void (*fini)(struct mon_vm *vm);
	bool done;
	struct mon_hook *next;
};

void mon_hook_register(struct mon_hook *h);
#define MON_HOOK(hook)							\
	static void __attribute__((constructor)) mon_hookreg_##hook(void) \
	{								\
		mon_hook_register(&hook);				\
	}
int mon_run_hooks(struct mon_vm *vm, enum mon_hook_phase phase,
		  char *err, size_t errlen);
void mon_fini_hooks(struct mon_vm *vm);

/* monitor/cpuid_vm.c: the VM's CPUID mask, and a restore's saved view. */
int mon_cpuid_apply(struct mon_vm *vm);
struct hxen_cpuid_features;
void mon_cpuid_restore(const struct hxen_cpuid_features *saved);

/* vm.c: setup and teardown */
int mon_vm_setup(struct mon_vm *vm, const struct mon_config *cfg);
void mon_vm_teardown(struct mon_vm *vm);
/* End the VM with @status (the first request wins); any thread. */
void mon_vm_stop(struct mon_vm *vm, int status, const char *why);
/* Queue @vector on vCPU @vcpu; any thread (devices use dev_interrupt). */
int mon_vcpu_interrupt(struct mon_vm *vm, unsigned int vcpu,
		       unsigned int vector);

/* vcpu.c */
int mon_vcpu_set_boot_state(struct mon_vcpu *v, uint64_t entry, uint64_t ebx);
int mon_vcpus_start(struct mon_vm *vm);
void mon_vcpus_join(struct mon_vm *vm);
void mon_vcpus_kick(struct mon_vm *vm);

/* exits.c: handle the exit in v->hv.run; returns MON_CONTINUE or a status */
#define MON_CONTINUE	(-1)
int mon_handle_exit(struct mon_vcpu *v);
void mon_exit_count_enable(void);
void mon_exit_hot_spots(char *buf, size_t len, unsigned int max);
void mon_unclaimed_access(bool mmio, uint64_t addr, unsigned int size,
			  bool write);

/* regdump.c */
void mon_regdump(struct mon_vcpu *v, FILE *f);

#endif /* MON_MONITOR_H */
