/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of the Xen guest ABI the hypercall layer implements: numbers
 * and x86-64 layouts from xen/include/public/ (xen.h, event_channel.h,
 * memory.h, vcpu.h, sched.h, grant_table.h, hvm/params.h, hvm/hvm_op.h,
 * features.h, version.h, arch-x86/cpuid.h), as measured in
 * /work/shared/xen-abi.md.  Written from those facts, not copied.
 */
#ifndef HX_XEN_ABI_H
#define HX_XEN_ABI_H

#include "hx_os.h"

/* Xen errno values (xen/include/public/errno.h), equal to Linux x86's. */
#define XE_PERM		1
#define XE_NOENT	2
#define XE_SRCH		3
#define XE_AGAIN	11
#define XE_NOMEM	12
#define XE_FAULT	14
#define XE_BUSY		16
#define XE_EXIST	17
#define XE_INVAL	22
#define XE_NOSPC	28
#define XE_NOSYS	38
#define XE_TIME		62
#define XE_OPNOTSUPP	95

#define XEN_DOMID_SELF		0x7ff0

/* Hypercall numbers (xen.h). */
#define XEN_HC_memory_op	12
#define XEN_HC_set_timer_op	15
#define XEN_HC_xen_version	17
#define XEN_HC_console_io	18
#define XEN_HC_grant_table_op	20
#define XEN_HC_vm_assist	21
#define XEN_HC_iret		23
#define XEN_HC_vcpu_op		24
#define XEN_HC_sched_op		29
#define XEN_HC_event_channel_op	32
#define XEN_HC_hvm_op		34
#define XEN_NR_HYPERCALLS	64

/* CPUID hypervisor leaves (arch-x86/cpuid.h). */
#define XEN_CPUID_BASE		0x40000000u
#define XEN_CPUID_LAST		0x40000005u
#define XEN_CPUID_SIG_EBX	0x566e6558u	/* "XenV" */
#define XEN_CPUID_SIG_ECX	0x65584d4du	/* "MMXe" */
#define XEN_CPUID_SIG_EDX	0x4d4d566eu	/* "nVMM" */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT	(1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT	(1u << 4)
#define XEN_HCALL_PAGE_MSR	0x40000000u

/* xen_version (version.h) */
#define XENVER_version		0
#define XENVER_extraversion	1
#define XENVER_compile_info	2
#define XENVER_capabilities	3
#define XENVER_changeset	4
#define XENVER_get_features	6
#define XENVER_pagesize		7
/* features.h: writable_page_tables, writable_descriptor_tables,
 * auto_translated_physmap, supervisor_mode_kernel, hvm_callback_vector,
 * hvm_safe_pvclock. */
#define XEN_FEATURES_SUBMAP0	((1u << 0) | (1u << 1) | (1u << 2) | \
				 (1u << 3) | (1u << 8) | (1u << 9))

/* memory_op (memory.h) */
#define XENMEM_increase_reservation	0
#define XENMEM_decrease_reservation	1
#define XENMEM_current_reservation	3	/* arg: domid_t *; returns pages */
#define XENMEM_maximum_reservation	4
#define XENMEM_populate_physmap		6
#define XENMEM_add_to_physmap		7
#define XENMEM_memory_map		9
#define XENMEM_CMD_MASK			0x3f
#define XENMEM_EXTENT_SHIFT		6
#define XENMAPSPACE_shared_info		0
#define XENMAPSPACE_grant_table		1
#define XENMAPSPACE_gmfn		2
#define XENMAPSPACE_gmfn_range		3
#define XENMAPIDX_grant_table_status	(1ULL << 31)

struct xen_add_to_physmap {
	u16 domid;
	u16 size;
	u32 space;
	u64 idx;
	u64 gpfn;
};

struct xen_memory_map {
	u32 nr_entries;
	u32 pad;
	u64 buffer;
};

struct xen_e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __attribute__((packed));

struct xen_memory_reservation {
	u64 extent_start;
	u64 nr_extents;
	u32 extent_order;
	u32 mem_flags;
	u16 domid;
	u16 pad[3];
};

/* hvm_op (hvm/hvm_op.h, hvm/params.h) */
#define HVMOP_set_param		0
#define HVMOP_get_param		1
#define HVMOP_pagetable_dying	9
#define HVM_PARAM_CALLBACK_IRQ	0
#define HVM_NR_PARAMS		39
#define HVM_CALLBACK_TYPE_VECTOR 2

struct xen_hvm_param {
	u16 domid;
	u16 pad;
	u32 index;
	u64 value;
};

/* vcpu_op (vcpu.h) */
#define VCPUOP_register_runstate_memory_area	5
#define VCPUOP_stop_periodic_timer		7
#define VCPUOP_set_singleshot_timer		8
#define VCPUOP_stop_singleshot_timer		9
#define VCPUOP_register_vcpu_info		10
#define VCPUOP_register_vcpu_time_memory_area	13
#define VCPU_SSHOTTMR_future			(1u << 0)

struct xen_vcpu_set_singleshot_timer {
	u64 timeout_abs_ns;
	u32 flags;
	u32 pad;
};

struct xen_vcpu_register_vcpu_info {
	u64 mfn;
	u32 offset;
	u32 rsvd;
};

struct xen_vcpu_runstate_info {
	s32 state;
	u32 pad;
	u64 state_entry_time;
	u64 time[4];
};

/* sched_op (sched.h) */
#define SCHEDOP_yield		0
#define SCHEDOP_block		1
#define SCHEDOP_shutdown	2
#define SCHEDOP_poll		3
#define SHUTDOWN_watchdog	4
#define XEN_POLL_MAX_PORTS	128

struct xen_sched_poll {
	u64 ports;
	u32 nr_ports;
	u32 pad;
	u64 timeout;
};

/* event_channel_op (event_channel.h) */
#define EVTCHNOP_bind_interdomain	0
#define EVTCHNOP_bind_virq		1
#define EVTCHNOP_bind_pirq		2
#define EVTCHNOP_close			3
#define EVTCHNOP_send			4
#define EVTCHNOP_status			5
#define EVTCHNOP_alloc_unbound		6
#define EVTCHNOP_bind_ipi		7
#define EVTCHNOP_bind_vcpu		8
#define EVTCHNOP_unmask			9
#define EVTCHNOP_reset			10
#define EVTCHNOP_init_control		11
#define EVTCHNOP_expand_array		12
#define EVTCHNOP_set_priority		13
#define XEN_NR_EVTCHNOPS		14

/* Port states as reported by EVTCHNOP_status; also our own port state. */
#define EVTCHNSTAT_closed	0
#define EVTCHNSTAT_unbound	1
#define EVTCHNSTAT_interdomain	2
#define EVTCHNSTAT_pirq		3
#define EVTCHNSTAT_virq		4
#define EVTCHNSTAT_ipi		5

#define XEN_VIRQ_TIMER		0
#define XEN_VIRQ_DEBUG		1
#define XEN_NR_VIRQS		24

struct xen_evtchn_alloc_unbound {
	u16 dom;
	u16 remote_dom;
	u32 port;
};

struct xen_evtchn_bind_interdomain {
	u16 remote_dom;
	u16 pad;
	u32 remote_port;
	u32 local_port;
};

struct xen_evtchn_bind_virq {
	u32 virq;
	u32 vcpu;
	u32 port;
};

struct xen_evtchn_bind_ipi {
	u32 vcpu;
	u32 port;
};

struct xen_evtchn_bind_vcpu {
	u32 port;
	u32 vcpu;
};

struct xen_evtchn_status {
	u16 dom;
	u16 pad;
	u32 port;
	u32 status;
	u32 vcpu;
	union {
		struct { u16 dom; } unbound;
		struct { u16 dom; u16 pad; u32 port; } interdomain;
		u32 virq;
	} u;
};

/* grant_table_op (grant_table.h) */
#define GNTTABOP_query_size	6
#define GNTTABOP_set_version	8
#define GNTTABOP_get_version	10
#define GNTST_okay		0
#define GNTST_bad_domain	(-2)

struct xen_gnttab_query_size {
	u16 dom;
	u16 pad;
	u32 nr_frames;
	u32 max_nr_frames;
	s16 status;
	u16 pad2;
};

struct xen_gnttab_get_version {
	u16 dom;
	u16 pad;
	u32 version;
};

/* shared_info / vcpu_info / vcpu_time_info (xen.h, arch-x86/xen.h) */
#define XEN_LEGACY_MAX_VCPUS	32
#define XEN_NR_EVTCHN_2L	4096
#define XEN_PVCLOCK_TSC_STABLE	(1u << 0)

struct hx_xen_time_info {
	u32 version;
	u32 pad0;
	u64 tsc_timestamp;
	u64 system_time;
	u32 tsc_to_system_mul;
	s8 tsc_shift;
	u8 flags;
	u8 pad1[2];
};

struct hx_xen_vcpu_info {
	u8 evtchn_upcall_pending;
	u8 evtchn_upcall_mask;
	u8 pad[6];
	u64 evtchn_pending_sel;
	u64 cr2;
	u64 arch_pad;
	struct hx_xen_time_info time;
};

struct hx_xen_shinfo {
	struct hx_xen_vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	u64 evtchn_pending[XEN_NR_EVTCHN_2L / 64];
	u64 evtchn_mask[XEN_NR_EVTCHN_2L / 64];
	u32 wc_version;
	u32 wc_sec;
	u32 wc_nsec;
	u32 wc_sec_hi;
	u64 arch[6];
};

#define HX_XEN_ABI_SIZE(t, n)	_Static_assert(sizeof(struct t) == (n), #t)
HX_XEN_ABI_SIZE(xen_add_to_physmap, 24);
HX_XEN_ABI_SIZE(xen_memory_map, 16);
HX_XEN_ABI_SIZE(xen_e820_entry, 20);
HX_XEN_ABI_SIZE(xen_memory_reservation, 32);
HX_XEN_ABI_SIZE(xen_hvm_param, 16);
HX_XEN_ABI_SIZE(xen_vcpu_set_singleshot_timer, 16);
HX_XEN_ABI_SIZE(xen_vcpu_register_vcpu_info, 16);
HX_XEN_ABI_SIZE(xen_vcpu_runstate_info, 48);
HX_XEN_ABI_SIZE(xen_sched_poll, 24);
HX_XEN_ABI_SIZE(xen_evtchn_alloc_unbound, 8);
HX_XEN_ABI_SIZE(xen_evtchn_bind_interdomain, 12);
HX_XEN_ABI_SIZE(xen_evtchn_bind_virq, 12);
HX_XEN_ABI_SIZE(xen_evtchn_bind_ipi, 8);
HX_XEN_ABI_SIZE(xen_evtchn_bind_vcpu, 8);
HX_XEN_ABI_SIZE(xen_evtchn_status, 24);
HX_XEN_ABI_SIZE(xen_gnttab_query_size, 16);
HX_XEN_ABI_SIZE(xen_gnttab_get_version, 8);
HX_XEN_ABI_SIZE(hx_xen_time_info, 32);
HX_XEN_ABI_SIZE(hx_xen_vcpu_info, 64);
HX_XEN_ABI_SIZE(hx_xen_shinfo, 3136);

#endif /* HX_XEN_ABI_H */
