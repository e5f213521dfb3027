/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VMX backend of hxen.ko: VMX instruction wrappers and the per-vCPU
 * state shared by vmx.c (ops, VMCS setup), vmx_exit.c (exit decoding) and
 * vmx_entry.S (the entry stub).
 */
#ifndef HX_VMX_H
#define HX_VMX_H

#include <linux/types.h>
#include "hx_vm.h"
#include "vmx_defs.h"
#include "vmx_caps.h"

/*
 * MSRs the VMCS does not hold (SDM 27.5): STAR, LSTAR, CSTAR, SFMASK and
 * KERNEL_GS_BASE, in this order (vmx_state.c).
 */
#define VMX_NR_SWITCHED		5
#define VMX_SW_KERNEL_GS_BASE	4
extern const u32 vmx_switched_msrs[VMX_NR_SWITCHED];

/* Guest state the VMCS does not hold. */
struct vmx_vcpu {
	struct hx_vcpu *vcpu;
	void *vmcs;			/* one page */
	u64 vmcs_pa;
	int cpu;			/* CPU the VMCS is active on, -1 = clear */
	bool launched;			/* VMRESUME instead of VMLAUNCH */
	bool reload_pdptes;		/* PAE paging: load PDPTEs before entry */
	u16 vpid;
	u64 cr2;			/* entry stub loads/saves it */
	u64 cr8;			/* guest TPR (MOV CR8 always exits) */
	u64 efer;			/* guest EFER, LMA included */
	u64 dr[4], dr6, dr7;		/* guest debug registers (MOV DR exits) */
	/* vmx_switched_msrs[]: switched by hand around each entry. */
	u64 msrs[VMX_NR_SWITCHED];
};

#define to_vmx(v)	((struct vmx_vcpu *)(v)->arch)

/* Negotiated controls and CR guest/host masks, from vmx_probe(). */
extern struct vmx_config vmx_cfg;
extern u64 vmx_cr0_mask, vmx_cr4_mask;
u64 vmx_guest_cr0(void);
u64 vmx_guest_cr4(void);

/* vmx_entry.S: enter the guest; 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed. */
int vmx_vmenter(struct hxen_regs *regs, u64 *cr2, unsigned long launched);
/* Where VM exits land (HOST_RIP). */
void vmx_vmexit(void);

/* vmx.c: make the VMCS current on this CPU (disables preemption) / undo. */
struct vmx_vcpu *vmx_get(struct hx_vcpu *vcpu);
void vmx_put(void);

/* vmx_state.c */
void vmx_compute_cr_masks(void);
void vmx_reset_guest(struct vmx_vcpu *vx);
void vmx_load_pdptes(struct vmx_vcpu *vx);
void vmx_get_sregs(struct hx_vcpu *vcpu, struct hxen_sregs *s);
int vmx_set_sregs(struct hx_vcpu *vcpu, const struct hxen_sregs *s);
int vmx_get_msr(struct hx_vcpu *vcpu, u32 index, u64 *val);
int vmx_set_msr(struct hx_vcpu *vcpu, u32 index, u64 val);
void vmx_set_tsc_offset(struct hx_vcpu *vcpu, s64 offset);
bool vmx_irq_window_open(struct hx_vcpu *vcpu);
void vmx_inject_irq(struct hx_vcpu *vcpu, u8 vector);
void vmx_inject_exception(struct hx_vcpu *vcpu, u8 vector, bool has_err, u32 err);
void vmx_request_irq_window(struct hx_vcpu *vcpu, bool on);
void vmx_clear_int_shadow(struct hx_vcpu *vcpu);
u32 vmx_get_cpl(struct hx_vcpu *vcpu);

/* vmx_exit.c */
int vmx_handle_exit(struct hx_vcpu *vcpu, u32 reason, struct hx_exit *exit,
		    bool *reenter);
void vmx_update_entry_ctls(struct vmx_vcpu *vx);
void vmx_write_cr0(struct vmx_vcpu *vx, u64 val);
void vmx_write_cr4(struct vmx_vcpu *vx, u64 val);
void vmx_queue_exception(struct vmx_vcpu *vx, u8 vector, bool has_err, u32 err);
void vmx_drop_int_shadow(void);
u32 vmx_cpl(struct vmx_vcpu *vx);

/* ---- instruction wrappers (SDM vol. 3C, chapter 30) ---- */

/* VMREAD of a field hxen wrote or the CPU defines; 0 if it failed. */
static __always_inline u64 vmcs_read(unsigned long field)
{
	u64 v = 0;

	asm volatile("vmread %[f], %[v]" : [v] "+r" (v) : [f] "r" (field) : "cc");
	return v;
}

/* VMWRITE; true on failure (VMfailInvalid: CF, VMfailValid: ZF). */
static __always_inline bool vmcs_write(unsigned long field, u64 val)
{
	bool fail;

	asm volatile("vmwrite %[v], %[f]; setbe %[fail]"
		     : [fail] "=qm" (fail) : [v] "rm" (val), [f] "r" (field)
		     : "cc");
	return fail;
}

static inline bool vmx_vmxon(u64 pa)
{
	bool fail;

	asm volatile("vmxon %[pa]; setbe %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail;
}

static inline void vmx_vmxoff(void)
{
	asm volatile("vmxoff" ::: "cc", "memory");
}

static inline bool vmx_vmclear(u64 pa)
{
	bool fail;

	asm volatile("vmclear %[pa]; setbe %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail;
}

static inline bool vmx_vmptrld(u64 pa)
{
	bool fail;

	asm volatile("vmptrld %[pa]; setbe %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail;
}

static inline bool vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };
	bool fail;

	asm volatile("invept %[d], %[t]; setbe %[fail]"
		     : [fail] "=qm" (fail) : [d] "m" (desc), [t] "r" (type)
		     : "cc", "memory");
	return fail;
}

static inline bool vmx_invvpid(unsigned long type, u16 vpid, u64 gva)
{
	struct { u64 vpid, gva; } desc = { vpid, gva };
	bool fail;

	asm volatile("invvpid %[d], %[t]; setbe %[fail]"
		     : [fail] "=qm" (fail) : [d] "m" (desc), [t] "r" (type)
		     : "cc", "memory");
	return fail;
}

/* vmx_vstate.c: save/restore of events, interruptibility, debug registers */
void vmx_get_vstate(struct hx_vcpu *vcpu, struct hxen_vcpu_state *st);
void vmx_set_vstate(struct hx_vcpu *vcpu, const struct hxen_vcpu_state *st);

#endif /* HX_VMX_H */
