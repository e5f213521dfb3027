/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of backend operations shared by the AMD SVM (svm.c) and Intel
 * VMX (vmx.c) backends.  Both mirror each other (svm_probe/vmx_probe,
 * svm_vcpu_run/vmx_vcpu_run, ...), as NetBSD NVMM does.  The core
 * (hx_main.c, hx_vm.c, hx_vcpu.c, hx_run.c) never touches VMCB/VMCS
 * fields: it calls these operations and handles exits that the backend
 * has translated into a struct hx_exit.
 *
 * Register contract: vcpu->regs (struct hxen_regs, all GPRs + RIP +
 * RFLAGS) is the authoritative copy whenever the core runs.  vcpu_run
 * loads it into the VMCB/VMCS and entry stub before entry and stores it
 * back after the exit.  Everything else (segments, CRs, EFER, MSRs kept
 * in the VMCB/VMCS) goes through get/set_sregs and get/set_msr.
 *
 * This header is a stable interface: add members at the end only.
 */
#ifndef HX_BACKEND_H
#define HX_BACKEND_H

#include <linux/types.h>
#include "hxen/hxen.h"

struct hx_vm;
struct hx_vcpu;

/* Exits the core handles, whatever the hardware called them. */
enum hx_exit_kind {
	HX_EXIT_CONTINUE = 0,	/* host interrupt, NMI, nothing to do: re-enter */
	HX_EXIT_CPUID,		/* leaf/subleaf in regs.rax/rcx */
	HX_EXIT_RDMSR,		/* index in regs.rcx */
	HX_EXIT_WRMSR,		/* index in rcx, value in edx:eax */
	HX_EXIT_HLT,
	HX_EXIT_IO,		/* exit.io */
	HX_EXIT_NPF,		/* nested page fault / EPT violation: exit.npf */
	HX_EXIT_SHUTDOWN,	/* triple fault */
	HX_EXIT_HYPERCALL,	/* VMMCALL / VMCALL */
	HX_EXIT_IRQ_WINDOW,	/* the guest can take an interrupt now */
	HX_EXIT_XSETBV,		/* XCR index in rcx, value in edx:eax */
	HX_EXIT_UD,		/* guest ran a virtualization instruction: inject #UD */
	HX_EXIT_FAIL_ENTRY,	/* VMRUN/VMLAUNCH failed: code/info1 */
	HX_EXIT_UNHANDLED,	/* anything else: code/info1/info2 */
};

/* hx_exit.npf.access bits */
#define HX_NPF_READ		(1U << 0)
#define HX_NPF_WRITE		(1U << 1)
#define HX_NPF_FETCH		(1U << 2)
#define HX_NPF_PRESENT		(1U << 3)	/* translation existed (permission fault) */

struct hx_exit {
	enum hx_exit_kind kind;
	/*
	 * Length of the exiting instruction, 0 when unknown.  Backends fill
	 * it for CPUID, RDMSR, WRMSR, HLT, IO, HYPERCALL and XSETBV: from
	 * NRIPS / the VM-exit instruction length, else from the opcode's
	 * known length (QEMU TCG's SVM has no NRIPS).
	 */
	u32 insn_len;
	u32 pad;
	u64 code;		/* raw SVM exit code / VMX exit reason */
	u64 info1;		/* exitinfo1 / exit qualification */
	u64 info2;		/* exitinfo2 / guest-physical address */
	union {
		struct {
			u16 port;
			u8 size;	/* 1, 2, 4 */
			u8 in;		/* 1 = IN/INS */
			u8 string;	/* INS/OUTS */
			u8 rep;
			u8 addr_size;	/* 2, 4, 8 (string forms) */
			u8 seg;		/* segment of OUTS source: 0=ES..5=GS */
		} io;
		struct {
			u64 gpa;
			u32 access;	/* HX_NPF_* */
		} npf;
	};
};

/* Protection bits for npt_leaf_pte(). */
#define HX_PROT_R		(1U << 0)
#define HX_PROT_W		(1U << 1)
#define HX_PROT_X		(1U << 2)

struct hx_backend_ops {
	const char *name;		/* "svm" / "vmx" */
	u32 backend;			/* HXEN_BACKEND_* */

	/*
	 * Module load.  Fill @caps (features, nr_asids, paging_levels) and
	 * return 0 when usable; otherwise fill caps->reason with what is
	 * wrong and what to do, and return -errno (-ENODEV absent,
	 * -EPERM disabled by firmware, -EBUSY another hypervisor).
	 */
	int (*probe)(struct hxen_caps *caps);

	/*
	 * First VM created / last VM gone.  hw_setup may sleep (allocate
	 * per-CPU areas); cpu_enable runs on every CPU with IRQs off and
	 * returns -errno (e.g. -EBUSY if EFER.SVME/CR4.VMXE is already set
	 * by someone else); cpu_disable undoes it on every CPU.  The core
	 * calls cpu_disable on all CPUs if any cpu_enable failed; it must
	 * then leave CPUs it did not enable alone.
	 */
	int (*hw_setup)(void);
	void (*hw_teardown)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	/* VM: nested page table root is vm->npt.root_pa (built by hx_npt.c). */
	int (*vm_init)(struct hx_vm *vm);
	void (*vm_destroy)(struct hx_vm *vm);

	/* vCPU: allocate vcpu->arch; reset state = x86 power-on (real mode). */
	int (*vcpu_create)(struct hx_vcpu *vcpu);
	void (*vcpu_destroy)(struct hx_vcpu *vcpu);

	/*
	 * One guest entry and exit.  Called with preemption disabled and
	 * IRQs enabled; the backend disables IRQs only around the entry,
	 * re-enables them after the exit (host interrupts are handled
	 * there), handles CPU migration (new ASID / VMPTRLD and host state)
	 * and fills @exit.  Guest FPU state (vcpu->fpu) is loaded by the
	 * core around this call.  Returns 0, or -errno for a host-side
	 * failure (the core reports it as an internal error).
	 * Lost-wakeup rule: with IRQs off, set vcpu->guest_cpu, smp_mb(),
	 * then if hx_vcpu_entry_cancelled(vcpu) skip the entry (kind =
	 * HX_EXIT_CONTINUE); clear guest_cpu (-1) after the exit.
	 */
	int (*vcpu_run)(struct hx_vcpu *vcpu, struct hx_exit *exit);

	void (*get_sregs)(struct hx_vcpu *vcpu, struct hxen_sregs *s);
	int (*set_sregs)(struct hx_vcpu *vcpu, const struct hxen_sregs *s);

	/*
	 * MSRs that live in the VMCB/VMCS (EFER, STAR, LSTAR, CSTAR, SFMASK,
	 * KERNEL_GS_BASE, SYSENTER_*, FS/GS base, PAT, DEBUGCTL).  Return
	 * -ENOENT for any other index; hx_msr.c handles the rest.  set_msr
	 * values are already validated by hx_msr.c.
	 */
	int (*get_msr)(struct hx_vcpu *vcpu, u32 index, u64 *val);
	int (*set_msr)(struct hx_vcpu *vcpu, u32 index, u64 val);
	void (*set_tsc_offset)(struct hx_vcpu *vcpu, s64 offset);

	/* Events. */
	bool (*irq_window_open)(struct hx_vcpu *vcpu);	/* IF=1, no shadow, no event queued */
	void (*inject_irq)(struct hx_vcpu *vcpu, u8 vector);
	void (*inject_exception)(struct hx_vcpu *vcpu, u8 vector, bool has_err, u32 err);
	void (*request_irq_window)(struct hx_vcpu *vcpu, bool on);
	/*
	 * Optional: hand a level-triggered vector to the CPU, which delivers
	 * it itself once the guest can take it (SVM: V_IRQ, APM 15.21.4);
	 * offered again at every entry while it is pending.
	 */
	void (*offer_irq)(struct hx_vcpu *vcpu, u8 vector);
	/* After the run: did the CPU take the vector offered (SVM: V_IRQ clear)? */
	bool (*offer_taken)(struct hx_vcpu *vcpu);
	void (*clear_int_shadow)(struct hx_vcpu *vcpu);	/* after an emulated instruction */
	u32 (*get_cpl)(struct hx_vcpu *vcpu);

	/*
	 * Nested paging entry encoding, used by the shared table builder in
	 * hx_npt.c.  NPT entries are ordinary x86 PTEs (P/RW/US/NX); EPT
	 * entries use R/W/X bits and a memory type.  Non-leaf entries grant
	 * everything.  An entry is present iff (pte & npt_present_mask).
	 */
	u64 (*npt_table_pte)(u64 hpa);
	u64 (*npt_leaf_pte)(u64 hpa, u32 prot);
	u64 npt_present_mask;
	u64 npt_addr_mask;		/* bits of an entry holding the address */
	u32 npt_levels;			/* 4 or 5, set by probe */

	/*
	 * Save/restore (hx_state.c): the event being delivered, interrupt
	 * shadow, NMI blocking and debug registers of struct
	 * hxen_vcpu_state.  set_vstate gets values hx_state.c validated.
	 */
	void (*get_vstate)(struct hx_vcpu *vcpu, struct hxen_vcpu_state *st);
	void (*set_vstate)(struct hx_vcpu *vcpu, const struct hxen_vcpu_state *st);
};

/* Backends the core knows; either may be absent from the build (weak). */
extern const struct hx_backend_ops svm_backend_ops;
extern const struct hx_backend_ops vmx_backend_ops;

#endif /* HX_BACKEND_H */
