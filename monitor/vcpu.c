// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads: one per vCPU, each looping on HXEN_RUN and handing exits
 * to monitor/exits.c.  Signals are blocked in these threads (the main
 * thread takes them), so HXEN_RUN is interrupted by HXEN_KICK, not by
 * signals; -EINTR is still handled for safety.
 */
#include <errno.h>
#include <string.h>

#include "monitor/ctl.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/thread.h"

/* Flat 32-bit segment, base 0, limit 4 GiB (xen-abi.md B.2). */
static struct hxen_segment flat_seg(uint16_t sel, uint8_t type)
{
	return (struct hxen_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

/*
 * PVH entry state (xen-abi.md B.2, Xen docs/misc/pvh.pandoc): 32-bit
 * protected mode, paging off, flat CS/DS/ES/SS/FS/GS, a busy 32-bit TSS,
 * CR0 = PE|ET, CR4 = EFER = 0, EFLAGS = 0x2, EBX = start-info GPA, all
 * else zero.  Selectors are arbitrary: the guest loads its own GDT.
 */
int mon_vcpu_set_boot_state(struct mon_vcpu *v, uint64_t entry, uint64_t ebx)
{
	struct hxen_regs regs = { .rip = entry, .rflags = 0x2, .rbx = ebx };
	struct hxen_sregs sregs;
	int r;

	/* keep what the module initialised that we do not set (APIC base) */
	r = hxen_vcpu_get_sregs(&v->hv, &sregs);
	if (r < 0)
		return r;
	sregs.cs = flat_seg(0x08, 0xb);		/* execute/read, accessed */
	sregs.ds = flat_seg(0x10, 0x3);		/* read/write, accessed */
	sregs.es = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.tr = (struct hxen_segment){
		.base = 0, .limit = 0x67, .selector = 0x18,
		.type = 0xb,			/* 32-bit busy TSS */
		.present = 1,
	};
	sregs.ldt = (struct hxen_segment){ .type = 0x2, .unusable = 1 };
	sregs.gdt = (struct hxen_dtable){ 0 };
	sregs.idt = (struct hxen_dtable){ 0 };
	sregs.cr0 = 0x11;			/* PE | ET */
	sregs.cr2 = 0;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.cr8 = 0;
	sregs.efer = 0;
	r = hxen_vcpu_set_sregs(&v->hv, &sregs);
	if (r < 0)
		return r;
	return hxen_vcpu_set_regs(&v->hv, &regs);
}

static void *vcpu_thread(void *arg)
{
	struct mon_vcpu *v = arg;
	struct mon_vm *vm = v->vm;
	char name[16];

	mon_thread_no_thp();
	snprintf(name, sizeof(name), "vcpu%u", v->hv.id);
	pthread_setname_np(pthread_self(), name);

	while (!atomic_load(&vm->stopping)) {
		int r;

		mon_vcpu_park(vm);	/* hxen pause: wait here (ctl_vm.c) */
		r = hxen_vcpu_run(&v->hv);

		if (r == -EINTR)
			continue;	/* loop head checks the stop flag */
		if (r < 0) {
			mon_err("vCPU %u: %s", v->hv.id, hxen_last_error());
			mon_regdump(v, mon_log_file());
			mon_vm_stop(vm, MON_EXIT_INTERNAL, "run failed");
			break;
		}
		r = mon_handle_exit(v);
		if (r != MON_CONTINUE) {
			mon_vm_stop(vm, r, hxen_exit_name(v->hv.run->exit_reason));
			break;
		}
	}
	return NULL;
}

int mon_vcpus_start(struct mon_vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct mon_vcpu *v = &vm->vcpus[i];
		int r = pthread_create(&v->thread, NULL, vcpu_thread, v);

		if (r) {
			mon_err("cannot start the thread of vCPU %u: %s", i,
				strerror(r));
			return -r;
		}
		v->thread_started = true;
	}
	return 0;
}

void mon_vcpus_kick(struct mon_vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].hv.fd >= 0)
			hxen_vcpu_kick(&vm->vcpus[i].hv);
}

void mon_vcpus_join(struct mon_vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct mon_vcpu *v = &vm->vcpus[i];

		if (v->thread_started)
			pthread_join(v->thread, NULL);
		v->thread_started = false;
	}
}
