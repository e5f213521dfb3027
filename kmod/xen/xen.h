/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host-independent Xen layer of hxen.ko: CPUID leaves, hypercall
 * dispatch, 2-level event channels, per-vCPU single-shot timers, pvclock,
 * grant-table frames and the HVM parameters.  It builds into the module
 * and, with -DHX_USER, into the unit tests.  It never touches host kernel
 * objects itself: the services it needs from the host (guest memory,
 * nested paging, waking a vCPU, host timers, eventfds) are the
 * hx_xen_host_*() functions at the bottom, implemented by kmod/hx_xen*.c
 * in the module and by tests/unit/test_xen_fake.c in the tests.
 *
 * Locking: one per-VM spinlock (IRQ-safe: timer expiry and eventfd wake
 * callbacks raise ports) protects the port table, vCPU bindings and the
 * delivery algorithm.  Guest memory is copied in and out with the lock
 * dropped; shared_info and registered vcpu_info pages are referenced once
 * (hx_xen_host_page_get) and then used through kernel pointers, so event
 * delivery never needs the guest-memory lock.
 */
#ifndef HX_XEN_H
#define HX_XEN_H

#include "xen_os.h"
#include "xen_abi.h"

#define HX_XEN_MAX_VCPUS	64
#define HX_XEN_MAX_GNT_FRAMES	64
#define HX_XEN_NO_GFN		(~0ULL)
#define HX_XEN_UPCALL_NONE	(-1)

/* Global pvclock reference shared by every vCPU (xen-abi.md §E). */
struct hx_xen_clock {
	u64 tsc_ref;		/* guest TSC at system time ns_ref */
	u64 ns_ref;
	u32 mul;		/* tsc_to_system_mul */
	s8 shift;		/* tsc_shift */
	u8 flags;		/* XEN_PVCLOCK_TSC_STABLE */
};

struct hx_xen_port {
	u8 state;		/* EVTCHNSTAT_* */
	u8 virq;		/* EVTCHNSTAT_virq */
	u16 remote_dom;		/* unbound / interdomain (always 0 when bound) */
	u16 notify_vcpu;
	u16 pad;
};

struct hx_xen_vm;

struct hx_xen_vcpu {
	struct hx_xen_vm *xvm;
	void *host;				/* struct hx_vcpu in the module */
	u32 id;
	/* Registered vcpu_info (VCPUOP_register_vcpu_info), NULL if none. */
	struct hx_xen_vcpu_info *vi_reg;
	void *vi_cookie;
	u64 vi_gpa;
	/* Extra time-info copy (VCPUOP_register_vcpu_time_memory_area). */
	struct hx_xen_time_info *time_area;
	void *time_cookie;
	u64 time_gpa;				/* of time_area, for save/restore */
	u64 runstate_gva;
	u16 virq_port[XEN_NR_VIRQS];		/* 0 = unbound */
	/* Single-shot timer, in guest system time. */
	bool timer_armed;
	u64 timer_deadline;
	/* SCHEDOP_poll / SCHEDOP_block in progress. */
	bool blocked;
	bool poll_woken;
	u32 nr_poll;
	u64 poll_deadline;			/* 0 = none */
	u16 poll_ports[XEN_POLL_MAX_PORTS];
};

struct hx_xen_config {
	u16 domid;
	u32 version;			/* (major << 16) | minor */
	u32 max_grant_frames;		/* 1..HX_XEN_MAX_GNT_FRAMES */
	bool vmcall;			/* Intel: VMCALL, AMD: VMMCALL */
	u64 tsc_khz;			/* guest TSC rate */
	bool tsc_stable;		/* host TSC invariant and synchronised */
	u64 wallclock_ns;		/* UTC ns at guest system time 0 */
};

struct hx_xen_vm {
	hx_xen_lock_t lock;
	void *host;				/* struct hx_vm in the module */
	struct hx_xen_config cfg;
	struct hx_xen_clock clock;
	u64 params[HVM_NR_PARAMS];
	u8 callback_vector;			/* 0 = no upcall delivery */

	/* Live shared_info: the boot page until the guest maps one. */
	struct hx_xen_shinfo *shinfo;
	void *shinfo_cookie;
	u64 shinfo_gfn;				/* HX_XEN_NO_GFN = boot page */
	struct hx_xen_shinfo *boot_shinfo;

	u32 nr_grant_frames;			/* max(idx) + 1 mapped so far */
	u64 grant_gfn[HX_XEN_MAX_GNT_FRAMES];	/* HX_XEN_NO_GFN = unmapped */

	unsigned int nr_blocked;		/* vCPUs inside SCHEDOP_poll */
	struct hx_xen_vcpu *vcpus[HX_XEN_MAX_VCPUS];
	struct hx_xen_port *ports;		/* XEN_NR_EVTCHN_2L entries */
};

/* What the host must do after hx_xen_do_hypercall(). */
enum hx_xen_action {
	HX_XEN_ACT_DONE = 0,	/* write ret to RAX, advance RIP */
	HX_XEN_ACT_BLOCK,	/* ... then sleep until hx_xen_block_wake() */
	HX_XEN_ACT_SHUTDOWN,	/* ... then exit to user: shutdown_reason */
};

struct hx_xen_hcall {
	u64 nr;			/* RAX */
	u64 arg[5];		/* RDI, RSI, RDX, R10, R8 (64-bit guest) */
	u32 cpl;
	bool irq_enabled;	/* RFLAGS.IF: an upcall could be taken */
	u32 action;		/* out: enum hx_xen_action */
	s64 ret;		/* out: RAX */
	u32 shutdown_reason;	/* out: SHUTDOWN_* for HX_XEN_ACT_SHUTDOWN */
};

/* Lifetime (xen_core.c). */
struct hx_xen_vm *hx_xen_vm_alloc(void *host, const struct hx_xen_config *cfg);
void hx_xen_vm_free(struct hx_xen_vm *xvm);
struct hx_xen_vcpu *hx_xen_vcpu_alloc(struct hx_xen_vm *xvm, void *host, u32 id);
void hx_xen_vcpu_free(struct hx_xen_vcpu *xv);

/* Exits (xen_core.c). */
bool hx_xen_do_cpuid(struct hx_xen_vcpu *xv, u32 leaf, u32 subleaf, u32 out[4]);
int hx_xen_hcall_page_wrmsr(struct hx_xen_vcpu *xv, u64 val);
void hx_xen_fill_hcall_page(u8 *page, bool vmcall);
void hx_xen_do_hypercall(struct hx_xen_vcpu *xv, struct hx_xen_hcall *hc);
bool hx_xen_block_wake(struct hx_xen_vcpu *xv, bool irq_enabled);
void hx_xen_block_end(struct hx_xen_vcpu *xv);

/* Event channels (xen_evtchn.c). */
long hx_xen_evtchn_op(struct hx_xen_vcpu *xv, u32 cmd, u64 arg);
int hx_xen_upcall_vector(struct hx_xen_vcpu *xv);
bool hx_xen_upcall_pending(struct hx_xen_vcpu *xv);
void hx_xen_evtchn_raise(struct hx_xen_vm *xvm, u32 port);
int hx_xen_monitor_bind(struct hx_xen_vm *xvm, u32 *port, bool alloc);
int hx_xen_monitor_unbind(struct hx_xen_vm *xvm, u32 port, bool free);
/* Callers hold xvm->lock. */
void hx_xen_set_pending(struct hx_xen_vm *xvm, u32 port);
struct hx_xen_vcpu_info *hx_xen_vcpu_info(struct hx_xen_vcpu *xv);
void hx_xen_kick_all_pending(struct hx_xen_vm *xvm);

/* vcpu_op, timers, sched_op (xen_vcpu.c). */
long hx_xen_vcpu_op(struct hx_xen_vcpu *xv, u32 cmd, u32 vcpuid, u64 arg);
long hx_xen_set_timer(struct hx_xen_vcpu *xv, u64 deadline, bool future_only);
void hx_xen_stop_timer(struct hx_xen_vcpu *xv);
void hx_xen_timer_expired(struct hx_xen_vcpu *xv);
void hx_xen_poll_timeout(struct hx_xen_vcpu *xv);
long hx_xen_set_timer_op(struct hx_xen_vcpu *xv, u64 timeout);
long hx_xen_sched_op(struct hx_xen_vcpu *xv, u32 cmd, u64 arg, struct hx_xen_hcall *hc);

/* memory_op, grant_table_op, hvm_op, parameters (xen_mem.c). */
long hx_xen_memory_op(struct hx_xen_vcpu *xv, u64 cmd, u64 arg);
long hx_xen_grant_table_op(struct hx_xen_vcpu *xv, u32 cmd, u64 arg, u32 count);
long hx_xen_hvm_op(struct hx_xen_vcpu *xv, u32 op, u64 arg);
int hx_xen_param_get(struct hx_xen_vm *xvm, u32 index, u64 *val);
int hx_xen_param_set(struct hx_xen_vm *xvm, u32 index, u64 val);
int hx_xen_domid_check(struct hx_xen_vm *xvm, u16 domid);

/* pvclock arithmetic and time pages (xen_time.c). */
void hx_xen_pvclock_params(u64 tsc_khz, u32 *mul, s8 *shift);
u64 hx_xen_pvclock_scale(u64 delta, u32 mul, s8 shift);
u64 hx_xen_now_ns(struct hx_xen_vm *xvm);
void hx_xen_clock_init(struct hx_xen_vm *xvm);
void hx_xen_write_time(const struct hx_xen_clock *c, struct hx_xen_time_info *t);
void hx_xen_write_wallclock(struct hx_xen_vm *xvm);
void hx_xen_refresh_times(struct hx_xen_vm *xvm);

/*
 * Host services.  Unless noted they may be called from the vCPU thread
 * only (process context, guest-memory lock held by the caller's caller).
 */
/* Copy via the calling vCPU's page tables; 0 or -XE_FAULT. */
int hx_xen_host_copy_from_guest(struct hx_xen_vcpu *xv, void *buf, u64 gva, u32 len);
int hx_xen_host_copy_to_guest(struct hx_xen_vcpu *xv, u64 gva, const void *buf, u32 len);
int hx_xen_host_gva_to_gpa(struct hx_xen_vcpu *xv, u64 gva, u64 *gpa);
/* Long-term reference on a writable RAM page; NULL if @gfn is not one. */
void *hx_xen_host_page_get(struct hx_xen_vm *xvm, u64 gfn, void **cookie);
void hx_xen_host_page_put(struct hx_xen_vm *xvm, void *cookie);	/* any context but IRQ */
bool hx_xen_host_is_ram(struct hx_xen_vm *xvm, u64 gfn);
/* Map grant frame @idx at @gfn (not RAM) / remove an overlay; -XE_* */
int hx_xen_host_map_grant(struct hx_xen_vm *xvm, u32 idx, u64 gfn);
void hx_xen_host_unmap_gfn(struct hx_xen_vm *xvm, u64 gfn);
/*
 * The balloon (XENMEM_decrease_reservation / populate_physmap): give RAM
 * frame @gfn back to the host, or take it again.  0, or -XE_INVAL when
 * @gfn is not RAM or already in that state.  Reservation: pages the
 * guest holds now, and the most it may hold.
 */
int hx_xen_host_balloon_out(struct hx_xen_vm *xvm, u64 gfn);
int hx_xen_host_balloon_in(struct hx_xen_vm *xvm, u64 gfn);
void hx_xen_host_reservation(struct hx_xen_vm *xvm, u64 *cur, u64 *max);
/* E820 of the guest's RAM, ascending: number of entries (<= max) */
u32 hx_xen_host_memory_map(struct hx_xen_vm *xvm, struct xen_e820_entry *e, u32 max);
/* The guest's TSC now; any context. */
u64 hx_xen_host_guest_tsc(struct hx_xen_vm *xvm);
/* Make the vCPU notice an upcall or a poll wakeup; any context. */
void hx_xen_host_kick(struct hx_xen_vcpu *xv);
/*
 * Arm (relative, ns) / cancel one of the vCPU's host timers; any context.
 * Expiry calls hx_xen_timer_expired() / hx_xen_poll_timeout().
 */
#define HX_XEN_TIMER_SSHOT	0	/* the guest's single-shot timer */
#define HX_XEN_TIMER_POLL	1	/* SCHEDOP_poll timeout */
void hx_xen_host_timer_arm(struct hx_xen_vcpu *xv, int which, u64 delta_ns);
void hx_xen_host_timer_cancel(struct hx_xen_vcpu *xv, int which);
/* The guest sent on monitor-connected @port. */
void hx_xen_host_notify(struct hx_xen_vm *xvm, u32 port);
/* Drop the monitor's eventfds of @port (guest closed it). */
void hx_xen_host_port_release(struct hx_xen_vm *xvm, u32 port);

#endif /* HX_XEN_H */
