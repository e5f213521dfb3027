/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Glue between the module core and the host-independent Xen layer
 * (kmod/xen/): the per-VM and per-vCPU host objects behind vm->xen and
 * vcpu->xen.  hx_xen.c implements the core's hooks (hx_hooks.h) and the
 * Xen layer's hx_xen_host_*() services; hx_xen_ioctl.c the VM ioctls
 * 0x20..0x3f and the event-channel eventfds.
 */
#ifndef HX_XEN_GLUE_H
#define HX_XEN_GLUE_H

#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include "hx_vm.h"
#include "hx_pgwalk.h"
#include "xen/xen.h"

struct eventfd_ctx;

/* A kick_fd: a wait-queue entry on the monitor's eventfd (as KVM's irqfd). */
struct hx_xen_kick {
	wait_queue_entry_t wait;
	poll_table pt;
	struct eventfd_ctx *ctx;
	struct hx_xen_vm *xvm;
	u32 port;
};

struct hx_xen_gvm {
	struct hx_vm *vm;
	struct hx_xen_vm *xvm;
	struct mutex fd_lock;		/* bind/unbind/close of monitor ports */
	spinlock_t notify_lock;		/* notify[] against guest sends */
	struct eventfd_ctx **notify;	/* XEN_NR_EVTCHN_2L entries */
	struct hx_xen_kick **kick;	/* XEN_NR_EVTCHN_2L entries */
	struct mutex npt_lock;		/* grant-frame NPT changes by vCPUs */
	/*
	 * Grant-table frames: the monitor's pages at gnt_uaddr, mapped on
	 * demand at the gfn the guest chose (gnt_gfn[], HX_XEN_NO_GFN = not
	 * mapped; vm->mmu_lock, and mmu_seq bumped on every change).
	 */
	u32 nr_gnt;
	unsigned long gnt_uaddr;
	u64 gnt_gfn[HX_XEN_MAX_GNT_FRAMES];
};

struct hx_xen_gvcpu {
	struct hx_vcpu *vcpu;
	struct hx_xen_vcpu *xv;
	struct hrtimer timer[2];	/* HX_XEN_TIMER_SSHOT, HX_XEN_TIMER_POLL */
	/* Paging state of the hypercall being handled (in_hcall). */
	struct hx_walk_ctx walk;
	bool in_hcall;
};

static inline struct hx_xen_gvm *hx_xen_gvm(struct hx_vm *vm)
{
	return READ_ONCE(vm->xen);
}

static inline struct hx_xen_gvcpu *hx_xen_gvcpu(struct hx_vcpu *vcpu)
{
	return READ_ONCE(vcpu->xen);
}

/* hx_xen_ioctl.c */
void hx_xen_ports_release_all(struct hx_xen_gvm *g);

#endif /* HX_XEN_GLUE_H */
