// SPDX-License-Identifier: GPL-2.0
/*
 * VM setup and teardown.  Order matters for error reporting: everything
 * that can be checked without /dev/hxen (options, memory layout, image)
 * is checked first, so bad input is reported the same way on machines
 * without the module.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/log.h"
#include "monitor/monitor.h"

static struct mon_hook *hooks;

void mon_hook_register(struct mon_hook *h)
{
	struct mon_hook **p = &hooks;

	/* by phase, then name: independent of link order */
	while (*p && ((*p)->phase < h->phase ||
		      ((*p)->phase == h->phase && strcmp((*p)->name, h->name) < 0)))
		p = &(*p)->next;
	h->next = *p;
	*p = h;
}

int mon_run_hooks(struct mon_vm *vm, enum mon_hook_phase phase,
		  char *err, size_t errlen)
{
	for (struct mon_hook *h = hooks; h; h = h->next) {
		int r;

		if (h->phase != phase)
			continue;
		err[0] = '\0';
		r = h->fn(vm, err, errlen);
		if (r < 0) {
			if (!err[0])
				snprintf(err, errlen, "%s failed: %s", h->name,
					 strerror(-r));
			return r;
		}
		h->done = true;
	}
	return 0;
}

static void fini_hooks_from(struct mon_vm *vm, struct mon_hook *h)
{
	if (!h)
		return;
	fini_hooks_from(vm, h->next);	/* reverse order */
	if (h->done && h->fini)
		h->fini(vm);
	h->done = false;
}

void mon_fini_hooks(struct mon_vm *vm)
{
	fini_hooks_from(vm, hooks);
}

void mon_vm_stop(struct mon_vm *vm, int status, const char *why)
{
	bool first;

	pthread_mutex_lock(&vm->stop_lock);
	first = !atomic_load(&vm->stopping);
	if (first) {
		vm->exit_status = status;
		atomic_store(&vm->stopping, true);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	if (!first)
		return;
	mon_dbg("stopping (%s), exit status %d", why ? why : "?", status);
	mon_vcpus_kick(vm);
	/* wake the main thread waiting in sigwaitinfo() */
	pthread_kill(vm->main_thread, SIGUSR1);
}

int mon_vcpu_interrupt(struct mon_vm *vm, unsigned int vcpu,
		       unsigned int vector)
{
	int r;

	if (vcpu >= vm->nr_vcpus)
		return -EINVAL;
	r = hxen_vcpu_interrupt(&vm->vcpus[vcpu].hv, vector);
	if (r < 0)
		mon_warn("%s", hxen_last_error());
	return r;
}

static int env_interrupt(struct dev_env *env, unsigned int vcpu,
			 unsigned int vector)
{
	return mon_vcpu_interrupt(env->host, vcpu, vector);
}

static void env_stop(struct dev_env *env, int status, const char *why)
{
	mon_vm_stop(env->host, status, why);
}

/* Guest RAM as module slots: every backed region of the layout. */
static int register_slots(struct mon_vm *vm)
{
	for (unsigned int i = 0; i < vm->mem.n; i++) {
		const struct mon_mem_region *r = &vm->mem.r[i];
		int e;

		if (!r->host)
			continue;
		e = hxen_vm_add_slot(&vm->hvm, vm->nr_slots, r->slot_flags,
				     r->gpa, r->size, r->host);
		if (e < 0) {
			mon_err("registering guest memory %s failed: %s",
				r->name ? r->name : "?", hxen_last_error());
			return e;
		}
		vm->nr_slots++;
	}
	return 0;
}

/* What the module can do versus what was asked. */
static int check_caps(struct mon_vm *vm)
{
	const struct hxen_caps *c = &vm->hx.caps;
	uint64_t top = mon_mem_top(&vm->mem);

	if (c->max_gpa && top > c->max_gpa) {
		mon_err("impossible memory size: guest-physical memory would "
			"end at %#" PRIx64 " but this host's nested paging "
			"stops at %#" PRIx64 ": use a smaller --memory", top,
			(uint64_t)c->max_gpa);
		return -EINVAL;
	}
	if (c->max_vcpus && vm->nr_vcpus > c->max_vcpus) {
		mon_err("--vcpus %u: the module allows at most %u vCPUs per VM",
			vm->nr_vcpus, c->max_vcpus);
		return -EINVAL;
	}
	return 0;
}

static int create_vcpus(struct mon_vm *vm)
{
	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		mon_err("out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].hv.fd = -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct mon_vcpu *v = &vm->vcpus[i];
		int r = hxen_vcpu_create(&vm->hvm, i, &v->hv);

		v->vm = vm;
		if (r < 0) {
			mon_err("%s", hxen_last_error());
			return r;
		}
	}
	/*
	 * Only the boot vCPU gets the PVH entry state.  The others keep the
	 * module's reset state until the guest starts them (INIT/SIPI through
	 * the LAPIC, or VCPUOP_up): their threads run HXEN_RUN, which waits.
	 */
	if (mon_vcpu_set_boot_state(&vm->vcpus[0], vm->image.entry,
				    vm->start_info_gpa) < 0) {
		mon_err("setting the boot vCPU state failed: %s",
			hxen_last_error());
		return -EIO;
	}
	return 0;
}

/* Returns 0 or a negative errno after printing one clear message. */
int mon_vm_setup(struct mon_vm *vm, const struct mon_config *cfg)
{
	uint64_t host_ram;
	char err[320] = "";
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->nr_vcpus = cfg->vcpus;
	vm->hx.fd = vm->hvm.fd = -1;
	vm->main_thread = pthread_self();
	pthread_mutex_init(&vm->stop_lock, NULL);
	vm->env = (struct dev_env){
		.cfg = cfg, .host = vm, .nr_vcpus = cfg->vcpus,
		.interrupt = env_interrupt, .stop = env_stop,
		.irq_line = NULL,	/* no interrupt controller yet */
	};

	/* More guest RAM than the host has: the module maps it on demand,
	 * but a guest that uses it all would push the host into the OOM
	 * killer. */
	host_ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
	if (host_ram && cfg->memory > host_ram) {
		mon_err("impossible memory size: %" PRIu64 " MiB is more than "
			"this host's RAM (%" PRIu64 " MiB): use a smaller "
			"--memory", cfg->memory >> 20,
			host_ram >> 20);
		return -ENOMEM;
	}
	r = mon_mem_layout(&vm->mem, cfg->memory, err, sizeof(err));
	if (!r)
		r = mon_run_hooks(vm, MON_PHASE_LAYOUT, err, sizeof(err));
	if (!r)
		r = mon_mem_alloc(&vm->mem, err, sizeof(err));
	if (!r) {
		mon_dbg("guest RAM allocated; loading %s", cfg->kernel);
		r = mon_load_image(cfg, &vm->mem, &vm->image, err, sizeof(err));
	}
	if (!r)
		r = mon_run_hooks(vm, MON_PHASE_IMAGE, err, sizeof(err));
	if (r < 0) {
		mon_err("%s", err);
		return r;
	}
	mon_dbg("%s image %s: [%#" PRIx64 ", %#" PRIx64 "), entry %#" PRIx64
		"%s", vm->image.format, cfg->kernel, vm->image.lo,
		vm->image.hi, vm->image.entry,
		vm->image.pvh_entry ? " (PVH note)" : "");

	r = hxen_open(&vm->hx, cfg->device);
	if (r < 0) {
		mon_err("%s", hxen_last_error());
		return r;
	}
	mon_dbg("module %s, ABI %u, backend %u, max_gpa %#" PRIx64,
		vm->hx.version.module_version, vm->hx.version.abi_version,
		vm->hx.caps.backend, (uint64_t)vm->hx.caps.max_gpa);
	r = check_caps(vm);
	if (r < 0)
		return r;
	r = hxen_vm_create(&vm->hx, &vm->hvm);
	if (r < 0) {
		mon_err("%s", hxen_last_error());
		return r;
	}
	r = mon_cpuid_apply(vm);	/* before the vCPUs exist */
	if (r < 0)
		return r;
	r = register_slots(vm);
	if (!r) {
		mon_dbg("guest RAM registered with the module");
		r = create_vcpus(vm);
	}
	if (r < 0)
		return r;
	r = mon_run_hooks(vm, MON_PHASE_VM, err, sizeof(err));
	if (r < 0) {
		mon_err("%s", err);
		return r;
	}
	dev_set_unclaimed_hook(mon_unclaimed_access);
	r = dev_init_all(&vm->env);
	if (r < 0)
		return r;
	vm->devices_up = true;
	return 0;
}

void mon_vm_teardown(struct mon_vm *vm)
{
	if (vm->devices_up)
		dev_fini_all(&vm->env);
	vm->devices_up = false;
	dev_registry_reset();
	mon_fini_hooks(vm);
	if (vm->vcpus) {
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			hxen_vcpu_destroy(&vm->vcpus[i].hv);
		free(vm->vcpus);
		vm->vcpus = NULL;
	}
	hxen_vm_destroy(&vm->hvm);
	hxen_close(&vm->hx);
	mon_mem_free(&vm->mem);
}
