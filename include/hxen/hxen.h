/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hxen ioctl ABI, shared by hxen.ko and user space (libhxen, hxen-monitor,
 * tools, tests).  Every structure has a fixed layout on x86_64: explicit
 * padding, no pointers (user addresses travel as __u64), sizes checked at
 * compile time at the bottom of this file.
 *
 * Object model (as in KVM/NVMM):
 *   /dev/hxen        -> version/capabilities, HXEN_CREATE_VM returns a VM fd
 *   VM fd            -> memory slots, HXEN_CREATE_VCPU returns a vCPU fd,
 *                       dirty log, Xen VM-wide state, event-channel eventfds
 *   vCPU fd          -> mmap(offset 0, HXEN_RUN_PAGE_SIZE) = struct hxen_run,
 *                       run, registers, MSRs, FPU, interrupts, kick
 *
 * Versioning: HXEN_ABI_VERSION bumps on any incompatible change.  User space
 * checks HXEN_GET_VERSION first and refuses a mismatch with a clear message.
 */
#ifndef _HXEN_HXEN_H
#define _HXEN_HXEN_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define HXEN_ABI_VERSION	1
#define HXEN_DEVICE		"/dev/hxen"
#define HXEN_IOC		0xB7	/* unused in Documentation/userspace-api/ioctl/ioctl-number.rst */

/* ------------------------------------------------------------------ */
/* /dev/hxen                                                          */
/* ------------------------------------------------------------------ */

struct hxen_version {
	__u32 abi_version;		/* HXEN_ABI_VERSION of the module */
	__u32 reserved;
	char module_version[24];	/* e.g. "0.1.0", NUL-terminated */
};

#define HXEN_VENDOR_UNKNOWN	0
#define HXEN_VENDOR_INTEL	1
#define HXEN_VENDOR_AMD		2

#define HXEN_BACKEND_NONE	0	/* no usable VMX/SVM: see caps.reason */
#define HXEN_BACKEND_VMX	1
#define HXEN_BACKEND_SVM	2

/* hxen_caps.features */
#define HXEN_CAP_NPT		(1ULL << 0)	/* SVM nested paging */
#define HXEN_CAP_EPT		(1ULL << 1)	/* VMX extended page tables */
#define HXEN_CAP_NRIPS		(1ULL << 2)	/* SVM next-RIP save */
#define HXEN_CAP_VPID		(1ULL << 3)
#define HXEN_CAP_UNRESTRICTED	(1ULL << 4)	/* VMX unrestricted guest */
#define HXEN_CAP_DECODE_ASSISTS	(1ULL << 5)
#define HXEN_CAP_XSAVE		(1ULL << 6)
#define HXEN_CAP_DIRTY_LOG	(1ULL << 7)
#define HXEN_CAP_XEN		(1ULL << 8)	/* Xen hypercall layer present */
#define HXEN_CAP_TSC_SCALING	(1ULL << 9)
#define HXEN_CAP_NPT_2M		(1ULL << 10)	/* 2 MiB nested leaves over host huge pages */

struct hxen_caps {
	__u32 vendor;		/* HXEN_VENDOR_* */
	__u32 backend;		/* HXEN_BACKEND_* */
	__u64 features;		/* HXEN_CAP_* */
	__u32 max_vms;
	__u32 max_vcpus;	/* per VM */
	__u32 max_slots;	/* per VM */
	__u32 paging_levels;	/* NPT/EPT levels in use (4 or 5) */
	__u64 max_gpa;		/* exclusive upper bound of guest-physical space */
	__u32 nr_asids;		/* SVM ASIDs / VMX VPIDs available */
	__u32 reserved;
	char reason[128];	/* why backend == NONE, human readable */
};

struct hxen_create_vm {
	__u32 flags;		/* HXEN_VM_* ; must be 0 for now */
	__u32 reserved;
};

#define HXEN_GET_VERSION	_IOR(HXEN_IOC, 0x00, struct hxen_version)
#define HXEN_GET_CAPS		_IOR(HXEN_IOC, 0x01, struct hxen_caps)
#define HXEN_CREATE_VM		_IOW(HXEN_IOC, 0x02, struct hxen_create_vm)	/* returns VM fd */
/* What a VM with no CPUID mask is shown on this host (struct below, 0x68). */
#define HXEN_GET_SUPPORTED_CPUID _IOR(HXEN_IOC, 0x03, struct hxen_cpuid_features)

/* ------------------------------------------------------------------ */
/* VM fd                                                              */
/* ------------------------------------------------------------------ */

#define HXEN_MEM_READONLY	(1U << 0)	/* guest writes exit as MMIO */
#define HXEN_MEM_DIRTY_LOG	(1U << 1)	/* track writes for HXEN_GET_DIRTY_LOG */

/*
 * Add (size != 0) or remove (size == 0) slot @slot.  gpa, size and uaddr
 * must be 4 KiB aligned; slots may not overlap each other; uaddr must be
 * the caller's own readable (and, unless READONLY, writable) memory, which
 * the module pins for the life of the slot.
 */
struct hxen_memory_slot {
	__u32 slot;
	__u32 flags;		/* HXEN_MEM_* */
	__u64 gpa;
	__u64 size;
	__u64 uaddr;
};

struct hxen_create_vcpu {
	__u32 id;		/* 0 .. caps.max_vcpus-1, unique per VM */
	__u32 flags;		/* must be 0 */
};

/* Bitmap of pages of @slot written since the last call; one bit per 4 KiB. */
struct hxen_dirty_log {
	__u32 slot;
	__u32 reserved;
	__u64 bitmap_uaddr;	/* (slot size / 4096 + 63) / 64 __u64 words */
};

#define HXEN_SET_MEMORY_SLOT	_IOW(HXEN_IOC, 0x10, struct hxen_memory_slot)
#define HXEN_CREATE_VCPU	_IOW(HXEN_IOC, 0x11, struct hxen_create_vcpu)	/* returns vCPU fd */
#define HXEN_GET_DIRTY_LOG	_IOW(HXEN_IOC, 0x12, struct hxen_dirty_log)

/*
 * Xen VM-wide state (0x20..0x3f).  The PVH-boot work owns this range; the
 * layouts below are the contract between the module's Xen layer and the
 * monitor's backends.
 */

/* Turn on the Xen personality: CPUID leaves, hypercalls, event channels. */
struct hxen_xen_config {
	__u32 flags;		/* must be 0 */
	__u16 domid;		/* guest's own domid (usually 1) */
	__u16 reserved0;
	__u32 version;		/* (major << 16) | minor reported to the guest */
	__u32 max_grant_frames;	/* grant-table frames (<= 64) */
	__u64 gnttab_uaddr;	/* monitor memory holding max_grant_frames pages */
	__u64 wallclock_ns;	/* UTC ns at guest system time 0; 0 = now */
	__u64 reserved[4];
};

/* HVM_PARAM_* get/set by the monitor (store/console pfn and port, ...). */
struct hxen_xen_param {
	__u32 index;
	__u32 reserved;
	__u64 value;
};

#define HXEN_EVTCHN_ALLOC	(1U << 0)	/* allocate a new unbound guest port */

/*
 * Connect a guest event-channel port to the monitor (the "backend domain").
 * With HXEN_EVTCHN_ALLOC the module allocates an unbound port whose remote
 * end is the monitor and returns it in @port (for xenstore and console);
 * otherwise @port is a port the guest made with EVTCHNOP_alloc_unbound
 * (remote_dom 0) and it becomes interdomain.
 *   notify_fd: eventfd the module signals when the guest sends on @port.
 *   kick_fd:   eventfd the monitor writes to raise @port in the guest.
 * Either fd may be -1.
 */
struct hxen_evtchn_bind {
	__u32 port;
	__u32 flags;
	__s32 notify_fd;
	__s32 kick_fd;
};

struct hxen_evtchn_unbind {
	__u32 port;
	__u32 reserved;
};

#define HXEN_XEN_CONFIG		_IOW(HXEN_IOC, 0x20, struct hxen_xen_config)
#define HXEN_XEN_GET_PARAM	_IOWR(HXEN_IOC, 0x21, struct hxen_xen_param)
#define HXEN_XEN_SET_PARAM	_IOW(HXEN_IOC, 0x22, struct hxen_xen_param)
#define HXEN_EVTCHN_BIND	_IOWR(HXEN_IOC, 0x23, struct hxen_evtchn_bind)
#define HXEN_EVTCHN_UNBIND	_IOW(HXEN_IOC, 0x24, struct hxen_evtchn_unbind)
/* 0x25..0x3f reserved for the Xen layer (snapshot of event/timer state ...) */

/* ------------------------------------------------------------------ */
/* vCPU fd                                                            */
/* ------------------------------------------------------------------ */

struct hxen_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/* Segment register in unpacked form; attributes as in the VMX access rights. */
struct hxen_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8 type;		/* 4 bits */
	__u8 present;
	__u8 dpl;
	__u8 db;
	__u8 s;
	__u8 l;
	__u8 g;
	__u8 avl;
	__u8 unusable;
	__u8 padding;
};

struct hxen_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

struct hxen_sregs {
	struct hxen_segment cs, ds, es, fs, gs, ss;
	struct hxen_segment tr, ldt;
	struct hxen_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;
};

struct hxen_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/*
 * GET/SET_MSRS: process @nmsrs entries at @entries_uaddr in order; the
 * ioctl returns the number processed (stops at the first MSR the module
 * does not handle).  nmsrs <= HXEN_MAX_MSRS.
 */
#define HXEN_MAX_MSRS		256
struct hxen_msrs {
	__u32 nmsrs;
	__u32 reserved;
	__u64 entries_uaddr;
};

/* FXSAVE/XSAVE image; xcr0 is the guest's XCR0. */
struct hxen_fpu {
	__u64 xcr0;
	__u32 size;		/* bytes of region[] in use (out) */
	__u32 reserved;
	__u8 region[4096] __attribute__((aligned(64)));
};

/*
 * Queue external-interrupt @vector (32..255) for this vCPU.  Callable from
 * any thread while another thread is inside HXEN_RUN: the vCPU is woken
 * from HLT or forced out of the guest and takes the interrupt as soon as
 * RFLAGS.IF allows (interrupt-window exiting otherwise).
 */
struct hxen_interrupt {
	__u32 vector;
	__u32 flags;		/* must be 0 */
};

#define HXEN_RUN		_IO(HXEN_IOC, 0x40)
#define HXEN_GET_REGS		_IOR(HXEN_IOC, 0x41, struct hxen_regs)
#define HXEN_SET_REGS		_IOW(HXEN_IOC, 0x42, struct hxen_regs)
#define HXEN_GET_SREGS		_IOR(HXEN_IOC, 0x43, struct hxen_sregs)
#define HXEN_SET_SREGS		_IOW(HXEN_IOC, 0x44, struct hxen_sregs)
#define HXEN_GET_MSRS		_IOW(HXEN_IOC, 0x45, struct hxen_msrs)
#define HXEN_SET_MSRS		_IOW(HXEN_IOC, 0x46, struct hxen_msrs)
#define HXEN_GET_FPU		_IOR(HXEN_IOC, 0x47, struct hxen_fpu)
#define HXEN_SET_FPU		_IOW(HXEN_IOC, 0x48, struct hxen_fpu)
#define HXEN_INTERRUPT		_IOW(HXEN_IOC, 0x49, struct hxen_interrupt)
/*
 * Make HXEN_RUN return HXEN_EXIT_KICKED as soon as possible without a
 * signal.  If the vCPU is not running, the next HXEN_RUN returns at once.
 */
#define HXEN_KICK		_IO(HXEN_IOC, 0x4a)
/* 0x4b..0x5f reserved: LAPIC state, Xen per-vCPU state. */

/* ------------------------------------------------------------------ */
/* Save/restore state (0x60..0x6f)                                    */
/* ------------------------------------------------------------------ */

/*
 * Everything a guest can observe that HXEN_GET_REGS/SREGS/MSRS/FPU do not
 * give.  Each structure starts with its version; SET refuses (-EINVAL)
 * another version, non-zero reserved fields and any value the module
 * could not have produced itself (docs/migration-stream.md).
 */
#define HXEN_STATE_VERSION	1

/* hxen_vcpu_state.event_type: the event being delivered at the stop */
#define HXEN_EVENT_INTR		0	/* external interrupt */
#define HXEN_EVENT_NMI		2
#define HXEN_EVENT_EXCEPTION	3
/* INTn/INT3/INTO are never kept: they re-execute (RIP still points at them) */

struct hxen_vcpu_state {
	__u32 version;		/* HXEN_STATE_VERSION */
	__u32 flags;		/* must be 0 */
	__u8 event_valid;
	__u8 event_type;	/* HXEN_EVENT_* */
	__u8 event_vector;
	__u8 event_has_error;
	__u32 event_error;
	__u8 int_shadow;	/* STI / MOV SS blocking of the next instruction */
	__u8 nmi_masked;	/* 0: hxen never delivers an NMI to a guest */
	__u8 nmi_pending;	/* 0, likewise */
	__u8 mp_state;		/* 0 runnable, 1 waiting for a start-up IPI */
	__u32 sipi_vector;	/* start-up IPI received: vector + 1; 0 none */
	__u32 init_pending;	/* INIT IPI received, not yet taken */
	__u32 reserved0;
	__u64 dr[4];		/* DR0-3 */
	__u64 dr6, dr7;
	__u64 irq_pending[4];	/* queued external interrupts, bit = vector */
	__u32 lapic[64];	/* xAPIC registers, one per 16-byte slot */
	__u64 reserved[8];
};

/* VM fd: the guest TSC of every vCPU (they share one offset). */
struct hxen_tsc {
	__u64 guest_tsc;	/* GET: vCPU 0's TSC now; SET: every vCPU's now */
	__u32 tsc_khz;		/* GET: the host TSC rate; SET: ignored */
	__u32 reserved;
	__u64 reserved2[2];
};

/* Xen layer, VM-wide (VM fd).  Passed by address: it is ~37 KiB. */
#define HXEN_XEN_NR_PORTS	4096	/* 2-level event channels */
#define HXEN_XEN_NR_PARAMS	39	/* HVM_NR_PARAMS */
#define HXEN_XEN_MAX_GNT	64
#define HXEN_XEN_NO_GFN		(~0ULL)

struct hxen_xen_port_state {
	__u8 state;		/* EVTCHNSTAT_* [xen/include/public/event_channel.h] */
	__u8 virq;		/* EVTCHNSTAT_virq */
	__u16 remote_dom;	/* EVTCHNSTAT_unbound */
	__u16 notify_vcpu;
	__u16 monitor;		/* GET: 1 when the monitor holds eventfds (interdomain) */
};

struct hxen_xen_state {
	__u32 version;		/* HXEN_STATE_VERSION */
	__u32 flags;		/* must be 0 */
	__u64 now_ns;		/* GET: guest system time; SET: it goes on from here */
	__u64 wallclock_ns;	/* GET: UTC at system time 0; SET: ignored (host clock) */
	__u64 shinfo_gfn;	/* HXEN_XEN_NO_GFN: never mapped, boot_shinfo holds it */
	__u32 nr_grant_frames;	/* frames mapped so far (max index + 1) */
	__u32 gnttab_version;	/* 1 */
	__u64 grant_gfn[HXEN_XEN_MAX_GNT];	/* HXEN_XEN_NO_GFN = unmapped */
	__u64 params[HXEN_XEN_NR_PARAMS];	/* HVM_PARAM_* */
	__u32 domid;		/* must match HXEN_XEN_CONFIG */
	__u32 max_grant_frames;	/* must match HXEN_XEN_CONFIG */
	__u64 reserved[8];
	struct hxen_xen_port_state ports[HXEN_XEN_NR_PORTS];
	__u8 boot_shinfo[4096];	/* shared_info before the guest mapped one */
};

struct hxen_xen_state_io {
	__u64 uaddr;		/* struct hxen_xen_state */
	__u32 size;		/* sizeof(struct hxen_xen_state) */
	__u32 reserved;
};

/* Xen layer, per vCPU (vCPU fd). */
#define HXEN_XEN_NR_VIRQS	24
struct hxen_xen_vcpu_state {
	__u32 version;		/* HXEN_STATE_VERSION */
	__u32 flags;		/* must be 0 */
	__u64 vcpu_info_gpa;	/* VCPUOP_register_vcpu_info; HXEN_XEN_NO_GFN none */
	__u64 time_area_gpa;	/* VCPUOP_register_vcpu_time_memory_area; ~0 none */
	__u64 runstate_gva;	/* VCPUOP_register_runstate_memory_area; 0 none */
	__u64 timer_deadline;	/* single-shot timer (set_timer_op), system time */
	__u8 timer_armed;
	__u8 reserved0[7];
	__u16 virq_port[HXEN_XEN_NR_VIRQS];	/* 0 = unbound */
	__u64 reserved[4];
};

#define HXEN_GET_VCPU_STATE	_IOR(HXEN_IOC, 0x60, struct hxen_vcpu_state)	/* vCPU fd */
#define HXEN_SET_VCPU_STATE	_IOW(HXEN_IOC, 0x61, struct hxen_vcpu_state)	/* vCPU fd */
#define HXEN_GET_TSC		_IOR(HXEN_IOC, 0x62, struct hxen_tsc)		/* VM fd */
#define HXEN_SET_TSC		_IOW(HXEN_IOC, 0x63, struct hxen_tsc)		/* VM fd */
#define HXEN_XEN_GET_STATE	_IOW(HXEN_IOC, 0x64, struct hxen_xen_state_io)	/* VM fd */
#define HXEN_XEN_SET_STATE	_IOW(HXEN_IOC, 0x65, struct hxen_xen_state_io)	/* VM fd */
#define HXEN_XEN_GET_VCPU_STATE	_IOR(HXEN_IOC, 0x66, struct hxen_xen_vcpu_state) /* vCPU fd */
#define HXEN_XEN_SET_VCPU_STATE	_IOW(HXEN_IOC, 0x67, struct hxen_xen_vcpu_state) /* vCPU fd */
/*
 * CPU levelling (docs/migration-stream.md): the CPUID feature words a
 * guest is shown, as (leaf, subleaf, register) words, and the XSAVE
 * features (XCR0 bits) it may enable.  A VM shows what the host has AND
 * hxen can give (kmod/hx_cpuid.c) AND its mask; the mask is set before
 * the first vCPU is created.  OSXSAVE and "hypervisor" (leaf 1 ECX 27,
 * 31) are not levelled: they follow the guest's CR4 and are always set.
 */
#define HXEN_CPUID_1_ECX	0	/* leaf 1 ECX */
#define HXEN_CPUID_1_EDX	1	/* leaf 1 EDX */
#define HXEN_CPUID_7_EBX	2	/* leaf 7.0 EBX */
#define HXEN_CPUID_7_ECX	3	/* leaf 7.0 ECX */
#define HXEN_CPUID_7_EDX	4	/* leaf 7.0 EDX */
#define HXEN_CPUID_81_ECX	5	/* leaf 0x80000001 ECX */
#define HXEN_CPUID_81_EDX	6	/* leaf 0x80000001 EDX */
#define HXEN_CPUID_D1_EAX	7	/* leaf 0xD.1 EAX (XSAVEOPT ...) */
#define HXEN_CPUID_NR_WORDS	8

struct hxen_cpuid_features {
	__u32 version;		/* HXEN_STATE_VERSION */
	__u32 flags;		/* must be 0 */
	__u32 word[HXEN_CPUID_NR_WORDS];
	__u64 xcr0;		/* XSAVE features */
	__u64 reserved[3];
};

/* VM fd: GET what this VM's guest is shown; SET its mask (no vCPU yet). */
#define HXEN_GET_CPUID		_IOR(HXEN_IOC, 0x68, struct hxen_cpuid_features)
#define HXEN_SET_CPUID_MASK	_IOW(HXEN_IOC, 0x69, struct hxen_cpuid_features)
/* 0x6a..0x6f reserved for state that moves */

/* ------------------------------------------------------------------ */
/* The run page (mmap of the vCPU fd, offset 0)                       */
/* ------------------------------------------------------------------ */

#define HXEN_RUN_PAGE_SIZE	4096

enum hxen_exit_reason {
	HXEN_EXIT_NONE = 0,
	HXEN_EXIT_IO = 1,		/* port I/O: complete and re-run */
	HXEN_EXIT_MMIO = 2,		/* access to unbacked GPA: complete and re-run */
	HXEN_EXIT_SHUTDOWN = 3,		/* triple fault */
	HXEN_EXIT_FAIL_ENTRY = 4,	/* VM entry failed: fail_entry */
	HXEN_EXIT_INTERNAL_ERROR = 5,	/* unhandled exit: internal */
	HXEN_EXIT_HLT = 6,		/* HLT with IF=0 and nothing pending */
	HXEN_EXIT_KICKED = 7,		/* HXEN_KICK */
	HXEN_EXIT_INTR = 8,		/* signal pending; RUN also returns -EINTR */
	HXEN_EXIT_XEN_SHUTDOWN = 9,	/* SCHEDOP_shutdown: xen_shutdown */
	HXEN_EXIT_MAX
};

#define HXEN_IO_IN		0
#define HXEN_IO_OUT		1
#define HXEN_MMIO_READ		0
#define HXEN_MMIO_WRITE		1

/* hxen_run.internal.suberror */
#define HXEN_INTERNAL_UNHANDLED_EXIT	1	/* code = raw VMX/SVM exit code */
#define HXEN_INTERNAL_EMULATION		2	/* instruction could not be decoded */
#define HXEN_INTERNAL_STRING_IO		3	/* unsupported string I/O form */
#define HXEN_INTERNAL_FAULT		4	/* guest memory access failed in the module */

/* Xen SHUTDOWN_* reasons [xen/include/public/sched.h] */
#define HXEN_XEN_POWEROFF	0
#define HXEN_XEN_REBOOT		1
#define HXEN_XEN_SUSPEND	2
#define HXEN_XEN_CRASH		3
#define HXEN_XEN_WATCHDOG	4

#define HXEN_IO_DATA_MAX	1024	/* bytes of io.data for string I/O */

struct hxen_run {
	__u32 exit_reason;		/* enum hxen_exit_reason */
	__u32 flags;
	__u64 rip;			/* guest RIP at the exit */
	__u64 rflags;
	__u64 stat_exits;		/* all exits of this vCPU */
	__u64 stat_user_exits;		/* exits that reached user space */
	__u64 stat_hlt_wakeups;
	__u64 reserved[2];
	union {
		/*
		 * Port I/O.  OUT: data holds count*size bytes.  IN: user space
		 * fills count*size bytes of data before the next HXEN_RUN, which
		 * stores them in the guest and advances RIP.
		 */
		struct {
			__u16 port;
			__u8 size;		/* 1, 2 or 4 */
			__u8 direction;		/* HXEN_IO_IN / HXEN_IO_OUT */
			__u32 count;		/* > 1 for REP string I/O */
			__u8 data[HXEN_IO_DATA_MAX];
		} io;
		/* MMIO; READ: user space fills data[0..len) before re-running. */
		struct {
			__u64 gpa;
			__u32 len;		/* 1, 2, 4 or 8 */
			__u8 direction;		/* HXEN_MMIO_READ / HXEN_MMIO_WRITE */
			__u8 pad[3];
			__u8 data[8];
		} mmio;
		struct {
			__u64 hw_reason;	/* VMX exit reason / SVM exit code */
			__u64 qualification;	/* VMX: VM-instruction error; SVM: exitinfo1 */
		} fail_entry;
		struct {
			__u32 suberror;		/* HXEN_INTERNAL_* */
			__u32 reserved;
			__u64 code;		/* raw exit reason / code */
			__u64 info1;		/* qualification / exitinfo1 */
			__u64 info2;		/* guest-physical / exitinfo2 */
		} internal;
		struct {
			__u32 reason;		/* HXEN_XEN_* */
			__u32 reserved;
		} xen_shutdown;
		__u8 payload[2048];
	};
};

/* ------------------------------------------------------------------ */
/* Compile-time layout checks                                         */
/* ------------------------------------------------------------------ */

#ifdef __cplusplus
#define HXEN_STATIC_ASSERT static_assert
#elif defined(__KERNEL__)
#define HXEN_STATIC_ASSERT _Static_assert
#else
#define HXEN_STATIC_ASSERT _Static_assert
#endif

HXEN_STATIC_ASSERT(sizeof(struct hxen_version) == 32, "hxen_version");
HXEN_STATIC_ASSERT(sizeof(struct hxen_caps) == 176, "hxen_caps");
HXEN_STATIC_ASSERT(sizeof(struct hxen_create_vm) == 8, "hxen_create_vm");
HXEN_STATIC_ASSERT(sizeof(struct hxen_memory_slot) == 32, "hxen_memory_slot");
HXEN_STATIC_ASSERT(sizeof(struct hxen_create_vcpu) == 8, "hxen_create_vcpu");
HXEN_STATIC_ASSERT(sizeof(struct hxen_dirty_log) == 16, "hxen_dirty_log");
HXEN_STATIC_ASSERT(sizeof(struct hxen_xen_config) == 64, "hxen_xen_config");
HXEN_STATIC_ASSERT(sizeof(struct hxen_xen_param) == 16, "hxen_xen_param");
HXEN_STATIC_ASSERT(sizeof(struct hxen_evtchn_bind) == 16, "hxen_evtchn_bind");
HXEN_STATIC_ASSERT(sizeof(struct hxen_regs) == 144, "hxen_regs");
HXEN_STATIC_ASSERT(sizeof(struct hxen_segment) == 24, "hxen_segment");
HXEN_STATIC_ASSERT(sizeof(struct hxen_dtable) == 16, "hxen_dtable");
HXEN_STATIC_ASSERT(sizeof(struct hxen_sregs) == 8 * 24 + 2 * 16 + 7 * 8, "hxen_sregs");
HXEN_STATIC_ASSERT(sizeof(struct hxen_msr_entry) == 16, "hxen_msr_entry");
HXEN_STATIC_ASSERT(sizeof(struct hxen_msrs) == 16, "hxen_msrs");
HXEN_STATIC_ASSERT(sizeof(struct hxen_fpu) == 4096 + 64, "hxen_fpu");
HXEN_STATIC_ASSERT(sizeof(struct hxen_interrupt) == 8, "hxen_interrupt");
HXEN_STATIC_ASSERT(sizeof(struct hxen_run) <= HXEN_RUN_PAGE_SIZE, "hxen_run");
HXEN_STATIC_ASSERT(sizeof(struct hxen_vcpu_state) == 432, "hxen_vcpu_state");
HXEN_STATIC_ASSERT(sizeof(struct hxen_tsc) == 32, "hxen_tsc");
HXEN_STATIC_ASSERT(sizeof(struct hxen_xen_port_state) == 8, "hxen_xen_port_state");
HXEN_STATIC_ASSERT(sizeof(struct hxen_xen_state) ==
		   40 + 8 * HXEN_XEN_MAX_GNT + 8 * HXEN_XEN_NR_PARAMS + 8 + 64 + 8 * HXEN_XEN_NR_PORTS + 4096,
		   "hxen_xen_state");
HXEN_STATIC_ASSERT(sizeof(struct hxen_xen_state_io) == 16, "hxen_xen_state_io");
HXEN_STATIC_ASSERT(sizeof(struct hxen_xen_vcpu_state) == 128, "hxen_xen_vcpu_state");
HXEN_STATIC_ASSERT(sizeof(struct hxen_cpuid_features) == 72, "hxen_cpuid_features");

#endif /* _HXEN_HXEN_H */
