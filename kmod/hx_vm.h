/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core objects of hxen.ko: struct hx_vm (one per VM fd) and struct hx_vcpu
 * (one per vCPU fd), plus the core services the backends (svm.c, vmx.c)
 * and the Xen layer (hx_xen*.c, xen/) call.
 */
#ifndef HX_VM_H
#define HX_VM_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <linux/kref.h>
#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include "hxen/hxen.h"
#include "hx_backend.h"
#include "hx_npt.h"
#include "hx_msr.h"
#include "hx_lapic.h"

#define HX_MAX_VMS		64
#define HX_MAX_VCPUS		64
#define HX_MAX_SLOTS		32
#define HX_FPU_AREA_SIZE	4096

struct page;

struct hx_slot {
	u64 gpa;
	u64 size;		/* 0 = unused */
	u64 uaddr;
	u32 flags;		/* HXEN_MEM_* */
	unsigned long npages;
	unsigned long *dirty;	/* HXEN_MEM_DIRTY_LOG: one bit per page */
	unsigned long *balloon;	/* writable slots: pages the guest gave back */
};

struct dentry;

struct hx_vm {
	struct kref ref;		/* VM fd + one per vCPU */
	struct mutex lock;		/* slots, vCPU creation */
	/*
	 * Held for read by each vCPU around every guest entry and in-kernel
	 * guest memory access; for write while a slot changes, so no vCPU
	 * runs on a page that is being unpinned.
	 */
	struct rw_semaphore mem_lock;
	u64 serial;			/* unique for the module's lifetime */
	atomic_t tlb_gen;		/* bumped when a mapping goes away */
	struct hx_slot slots[HX_MAX_SLOTS];
	struct hx_npt npt;
	/*
	 * Guest RAM is the monitor's memory, mapped on first touch
	 * (hx_mmu.c).  mmu_lock guards the nested page table; the MMU
	 * notifier on @mm zaps entries and bumps mmu_seq, and a fault that
	 * raced with it (mmu_seq moved or mmu_inval > 0) is retried.
	 */
	struct mm_struct *mm;		/* the creator's, mmgrab()ed */
	struct mmu_notifier mn;
	bool mn_registered;
	spinlock_t mmu_lock;
	unsigned long mmu_seq;
	int mmu_inval;			/* invalidations in progress */
	struct list_head held;		/* struct hx_held: pages the Xen layer keeps */
	atomic_t held_stale;		/* a held page's mapping changed: check */
	atomic_long_t nr_ballooned;	/* pages given back (hx_xen_balloon.c) */
	struct hx_vcpu *vcpus[HX_MAX_VCPUS];
	void *arch;			/* backend private */
	void *xen;			/* Xen layer state, NULL = Xen disabled */
	/* CPUID levelling mask (hx_level.c); set before the first vCPU */
	struct hxen_cpuid_features cpuid_mask;
	struct dentry *debugfs;		/* hx_debugfs.c, NULL if none */
};

/* What the next HXEN_RUN must finish before re-entering the guest. */
enum hx_pending_kind {
	HX_PENDING_NONE = 0,
	HX_PENDING_IO_IN,	/* copy run->io.data to RAX (or to memory for INS) */
	HX_PENDING_IO_OUT,	/* just advance RIP */
	HX_PENDING_MMIO_READ,	/* copy run->mmio.data to a register */
	HX_PENDING_MMIO_WRITE,	/* just advance RIP */
};

struct hx_pending {
	enum hx_pending_kind kind;
	u8 size;		/* bytes */
	u8 reg;			/* destination GPR index (0=RAX..15=R15) */
	u8 sext;		/* MOVSX */
	u8 high8;		/* AH/CH/DH/BH destination */
	u8 mem_size;		/* MMIO: bytes read */
	u8 string;		/* INS: store count elements at ES:RDI */
	u8 rep;
	u8 addr_size;
	u32 count;
	u64 next_rip;
};

/* Multiprocessor start-up state [SDM 8.4, 10.6.1]. */
enum hx_mp_state {
	HX_MP_RUNNABLE = 0,
	HX_MP_WAIT_SIPI,	/* APs at creation and after INIT: HXEN_RUN waits */
};

#define HX_STAT_CODES	256
#define HX_STAT_HCALLS	64

struct hx_vcpu {
	struct hx_vm *vm;
	u32 id;
	struct mutex lock;		/* one ioctl at a time (RUN included) */
	struct hxen_regs regs;		/* authoritative outside vcpu_run */
	struct hxen_run *run;		/* the mmap'ed run page */
	struct page *run_page;
	void *arch;			/* backend private (VMCB, ASID, ...) */
	void *xen;			/* Xen layer per-vCPU state */

	/* Pending external interrupts, one bit per vector; any thread sets. */
	unsigned long irq_pending[256 / BITS_PER_LONG];
	int offered_vec;		/* edge vector handed to the CPU, -1 none */
	atomic_t kick;			/* HXEN_KICK: exit with KICKED asap */
	atomic_t req;			/* something changed: do not enter, loop */
	wait_queue_head_t wq;		/* HLT sleep */
	int guest_cpu;			/* CPU in guest mode, -1 if not */
	int last_cpu;			/* CPU of the previous entry, -1 at first */
	int tlb_gen;			/* vm->tlb_gen seen at the last entry */

	struct hx_pending pending;
	struct hx_msr_state msr;	/* MSRs kept by the core (hx_msr.c) */
	struct hx_lapic lapic;		/* xAPIC registers (hx_lapic.c) */
	int mp_state;			/* enum hx_mp_state; owned by the vCPU thread */
	atomic_t init_pending;		/* INIT IPI received */
	atomic_t sipi_vector;		/* SIPI received: vector + 1, 0 = none */
	u64 xcr0;			/* guest XCR0 */
	void *fpu;			/* guest FXSAVE/XSAVE image, 64-aligned */
	bool fpu_xsave;			/* image is XSAVE format */
	/*
	 * Exit profile for debugfs (make bench): per hx_exit_kind, per raw
	 * exit code of the exits re-entered at once, per hypercall number
	 * and per MSR written.  The vCPU thread writes, debugfs reads racily.
	 */
	struct {
		u32 kind[16];
		u32 code[HX_STAT_CODES];	/* HX_EXIT_CONTINUE, by code */
		u32 hcall[HX_STAT_HCALLS];
		u32 wrmsr_lapic;		/* 0x800-0x8ff (x2APIC) */
		u32 wrmsr_other;
		u32 wrmsr_last;			/* index of the last other */
	} stat;
};

extern const struct hx_backend_ops *hx_ops;
extern struct hxen_caps hx_caps;

/* VM lifetime (hx_vm.c). */
void hx_vm_get(struct hx_vm *vm);
void hx_vm_put(struct hx_vm *vm);
int hx_vm_create_fd(u32 flags);

/* /sys/kernel/debug/hxen (hx_debugfs.c); failures only lose the file. */
void hx_debugfs_init(void);
void hx_debugfs_exit(void);
void hx_debugfs_vm_add(struct hx_vm *vm);
void hx_debugfs_vm_remove(struct hx_vm *vm);

/* Turning the hardware on/off (hx_main.c). */
int hx_hw_get(void);
void hx_hw_put(void);

/* Guest memory (hx_mem.c).  Callers hold vm->mem_lock for read. */
struct hx_slot *hx_slot_find(struct hx_vm *vm, u64 gpa);
int hx_gpa_read(struct hx_vm *vm, u64 gpa, void *buf, u32 len);
int hx_gpa_write(struct hx_vm *vm, u64 gpa, const void *buf, u32 len);
int hx_mem_set_slot(struct hx_vm *vm, const struct hxen_memory_slot *s);
void hx_mem_kick_all(struct hx_vm *vm);
int hx_gpa_read_nofault(struct hx_vm *vm, u64 gpa, void *buf, u32 len);
/* On-demand mapping and MMU notifiers (hx_mmu.c). */
int hx_mmu_init(struct hx_vm *vm);
void hx_mmu_destroy(struct hx_vm *vm);
bool hx_mmu_mm_ok(struct hx_vm *vm);
int hx_mmu_fault(struct hx_vm *vm, struct hx_slot *slot, u64 gpa, bool write);
void hx_mmu_zap(struct hx_vm *vm, u64 gpa, u64 size);
int hx_mmu_map_hva(struct hx_vm *vm, u64 gpa, unsigned long hva, u32 prot,
		   unsigned long seq);
int hx_mem_check_vmas(unsigned long addr, unsigned long size, bool write);
void hx_mmu_flush_all(struct hx_vm *vm);
struct page *hx_mmu_hold(struct hx_vm *vm, struct hx_slot *slot, u64 gpa, void **cookie);
void hx_mmu_unhold(struct hx_vm *vm, void *cookie);
int hx_mmu_check_held(struct hx_vm *vm);
struct seq_file;
void hx_mmu_audit(struct seq_file *m, struct hx_vm *vm);
/* Dirty logging (hx_dirty.c). */
void hx_dirty_mark(struct hx_slot *slot, u64 gpa);
long hx_dirty_get_log(struct hx_vm *vm, const struct hxen_dirty_log *d);
void hx_mem_free_all(struct hx_vm *vm);

/* The VM's nested page table (hx_npt.h; the glue is in hx_mmu.c). */
int hx_mmu_npt_init(struct hx_vm *vm);
int hx_mmu_topup(struct hx_vm *vm);

/* vCPUs (hx_vcpu.c, hx_run.c). */
int hx_vcpu_create_fd(struct hx_vm *vm, u32 id);
/* Queue external interrupt @vector and make the vCPU notice it. */
void hx_vcpu_queue_irq(struct hx_vcpu *vcpu, u8 vector);
/* Wake the vCPU from HLT or force it out of guest mode. */
void hx_vcpu_kick(struct hx_vcpu *vcpu);
int hx_vcpu_run(struct hx_vcpu *vcpu);
int hx_vcpu_set_xcr0(struct hx_vcpu *vcpu, u64 val);
/* INIT / start-up IPIs from another vCPU's LAPIC (hx_apic.c). */
void hx_vcpu_send_init(struct hx_vcpu *vcpu);
void hx_vcpu_send_sipi(struct hx_vcpu *vcpu, u8 vector);
void hx_vcpu_fpu_reset(struct hx_vcpu *vcpu);

/*
 * For backends: call with IRQs disabled, after publishing vcpu->guest_cpu
 * (WRITE_ONCE + smp_mb()), right before the entry.  True means a kick or
 * interrupt arrived after the core's checks: undo, return 0 with
 * exit->kind = HX_EXIT_CONTINUE.  Kicks after this point send an IPI.
 */
static inline bool hx_vcpu_entry_cancelled(struct hx_vcpu *vcpu)
{
	return atomic_read(&vcpu->req) || need_resched();
}

/* Guest FPU (hx_fpu.c). */
u64 hx_fpu_xcr0_supported(void);
void hx_fpu_enter(struct hx_vcpu *vcpu);	/* preemption off, before vcpu_run */
void hx_fpu_exit(struct hx_vcpu *vcpu);		/* after vcpu_run */
int hx_fpu_get(struct hx_vcpu *vcpu, struct hxen_fpu *f);
int hx_fpu_set(struct hx_vcpu *vcpu, const struct hxen_fpu *f);
int hx_fpu_alloc(struct hx_vcpu *vcpu);

struct hx_walk_ctx;
/* Fill a page-walk context from the vCPU's current paging state. */
void hx_vcpu_walk_ctx(struct hx_vcpu *vcpu, struct hx_walk_ctx *ctx);

#endif /* HX_VM_H */
