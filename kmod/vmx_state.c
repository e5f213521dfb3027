// SPDX-License-Identifier: GPL-2.0
/*
 * VMX guest state outside the world switch: segments, control registers
 * and EFER (with the IA-32e entry control), MSRs the VMCS holds or vmx.c
 * switches by hand, event injection, and the power-on state.  Every
 * accessor makes the VMCS current on this CPU first (vmx_get/vmx_put).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include "hx_vm.h"
#include "hx_msr.h"
#include "vmx.h"

u64 vmx_cr0_mask, vmx_cr4_mask;	/* bits the guest cannot own (exit on write) */

/* Bits of CR0/CR4 the guest cannot own: writes to them exit. */
void vmx_compute_cr_masks(void)
{
	u64 fixed0 = vmx_cfg.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	vmx_cr0_mask = X86_CR0_PG | fixed0 | (~vmx_cfg.cr0_fixed1 & 0xffffffffULL);
	vmx_cr4_mask = vmx_cfg.cr4_fixed0 | (~vmx_cfg.cr4_fixed1 & 0xffffffffULL);
}

/* ------------------------------------------------------------------ */
/* Segments, control registers, EFER                                  */
/* ------------------------------------------------------------------ */

struct vmx_seg_fields {
	u16 sel, base, limit, ar;
};

/* Order of struct hxen_sregs: cs, ds, es, fs, gs, ss, tr, ldt. */
static const struct vmx_seg_fields vmx_segs[8] = {
	{ VMCS_GUEST_CS_SEL, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR },
	{ VMCS_GUEST_DS_SEL, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR },
	{ VMCS_GUEST_ES_SEL, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR },
	{ VMCS_GUEST_FS_SEL, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR },
	{ VMCS_GUEST_GS_SEL, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR },
	{ VMCS_GUEST_SS_SEL, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR },
	{ VMCS_GUEST_TR_SEL, VMCS_GUEST_TR_BASE, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_AR },
	{ VMCS_GUEST_LDTR_SEL, VMCS_GUEST_LDTR_BASE, VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_AR },
};

static struct hxen_segment *vmx_sreg_seg(struct hxen_sregs *s, unsigned int i)
{
	struct hxen_segment *segs[8] = { &s->cs, &s->ds, &s->es, &s->fs,
					 &s->gs, &s->ss, &s->tr, &s->ldt };
	return segs[i];
}

static u32 vmx_seg_to_ar(const struct hxen_segment *g)
{
	u32 ar = (g->type & 0xf) | (g->s ? VMX_AR_S : 0) | ((g->dpl & 3U) << 5) |
		 (g->present ? VMX_AR_P : 0) | (g->avl ? VMX_AR_AVL : 0) |
		 (g->l ? VMX_AR_L : 0) | (g->db ? VMX_AR_DB : 0) | (g->g ? VMX_AR_G : 0);

	return (g->unusable || !g->present) ? ar | VMX_AR_UNUSABLE : ar;
}

static void vmx_ar_to_seg(u32 ar, struct hxen_segment *g)
{
	g->type = VMX_AR_TYPE(ar);
	g->s = !!(ar & VMX_AR_S);
	g->dpl = VMX_AR_DPL(ar);
	g->present = !!(ar & VMX_AR_P);
	g->avl = !!(ar & VMX_AR_AVL);
	g->l = !!(ar & VMX_AR_L);
	g->db = !!(ar & VMX_AR_DB);
	g->g = !!(ar & VMX_AR_G);
	g->unusable = !!(ar & VMX_AR_UNUSABLE);
}

/*
 * IA-32e mode guest entry control follows EFER.LMA (SDM 26.3.1.1: they
 * must match), which is LME && CR0.PG as on hardware (SDM 2.2.1).
 */
void vmx_update_entry_ctls(struct vmx_vcpu *vx)
{
	u32 entry = vmx_cfg.entry;

	if ((vx->efer & EFER_LME) && (vmx_guest_cr0() & X86_CR0_PG))
		vx->efer |= EFER_LMA;
	else
		vx->efer &= ~EFER_LMA;
	if (vx->efer & EFER_LMA)
		entry |= ENTRY_IA32E;
	vmcs_write(VMCS_GUEST_EFER, vx->efer);
	vmcs_write(VMCS_ENTRY_CTLS, entry);
}

/*
 * The guest's view of CR0/CR4: owned bits from the VMCS (the guest changes
 * them without exits, e.g. CR0.PE under unrestricted guest), masked bits
 * from the read shadow.
 */
u64 vmx_guest_cr0(void)
{
	return (vmcs_read(VMCS_GUEST_CR0) & ~vmx_cr0_mask) |
	       (vmcs_read(VMCS_CR0_SHADOW) & vmx_cr0_mask);
}

u64 vmx_guest_cr4(void)
{
	return (vmcs_read(VMCS_GUEST_CR4) & ~vmx_cr4_mask) |
	       (vmcs_read(VMCS_CR4_SHADOW) & vmx_cr4_mask);
}

/* Load the four PDPTEs when the guest runs PAE paging outside long mode. */
void vmx_load_pdptes(struct vmx_vcpu *vx)
{
	struct hx_vm *vm = vx->vcpu->vm;
	u64 pdpte[4] = { 0 };
	u64 cr3 = vmcs_read(VMCS_GUEST_CR3) & 0xffffffe0ULL;

	vx->reload_pdptes = false;
	if (hx_gpa_read_nofault(vm, cr3, pdpte, sizeof(pdpte)))
		memset(pdpte, 0, sizeof(pdpte));
	vmcs_write(VMCS_GUEST_PDPTE0, pdpte[0]);
	vmcs_write(VMCS_GUEST_PDPTE1, pdpte[1]);
	vmcs_write(VMCS_GUEST_PDPTE2, pdpte[2]);
	vmcs_write(VMCS_GUEST_PDPTE3, pdpte[3]);
}

/*
 * PDPTEs are read from guest memory before the next entry, where
 * vm->mem_lock is held (set_sregs may run without it).
 */
static void vmx_want_pdptes(struct vmx_vcpu *vx)
{
	vx->reload_pdptes = (vmx_guest_cr0() & X86_CR0_PG) &&
			    (vmx_guest_cr4() & X86_CR4_PAE) && !(vx->efer & EFER_LMA);
}

/* Guest view @val; the VMCS gets it with the fixed bits forced. */
void vmx_write_cr0(struct vmx_vcpu *vx, u64 val)
{
	u64 fixed0 = vmx_cfg.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	val |= X86_CR0_ET;
	vmcs_write(VMCS_CR0_SHADOW, val);
	vmcs_write(VMCS_GUEST_CR0, (val | fixed0) & vmx_cfg.cr0_fixed1);
	vmx_update_entry_ctls(vx);
	vmx_want_pdptes(vx);
}

void vmx_write_cr4(struct vmx_vcpu *vx, u64 val)
{
	vmcs_write(VMCS_CR4_SHADOW, val);
	vmcs_write(VMCS_GUEST_CR4, (val | vmx_cfg.cr4_fixed0) & vmx_cfg.cr4_fixed1);
	vmx_want_pdptes(vx);
}

void vmx_get_sregs(struct hx_vcpu *vcpu, struct hxen_sregs *s)
{
	struct vmx_vcpu *vx = vmx_get(vcpu);
	unsigned int i;

	for (i = 0; i < 8; i++) {
		struct hxen_segment *g = vmx_sreg_seg(s, i);

		memset(g, 0, sizeof(*g));
		g->selector = vmcs_read(vmx_segs[i].sel);
		g->base = vmcs_read(vmx_segs[i].base);
		g->limit = vmcs_read(vmx_segs[i].limit);
		vmx_ar_to_seg(vmcs_read(vmx_segs[i].ar), g);
	}
	memset(&s->gdt, 0, sizeof(s->gdt));
	memset(&s->idt, 0, sizeof(s->idt));
	s->gdt.base = vmcs_read(VMCS_GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read(VMCS_GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(VMCS_GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read(VMCS_GUEST_IDTR_LIMIT);
	s->cr0 = vmx_guest_cr0();
	s->cr2 = vx->cr2;
	s->cr3 = vmcs_read(VMCS_GUEST_CR3);
	s->cr4 = vmx_guest_cr4();
	s->cr8 = vx->cr8;
	s->efer = vx->efer;
	s->apic_base = vcpu->msr.apic_base;
	vmx_put();
}

int vmx_set_sregs(struct hx_vcpu *vcpu, const struct hxen_sregs *s)
{
	struct hxen_sregs tmp = *s;
	struct vmx_vcpu *vx;
	unsigned int i;

	/* VM entry's checks catch the rest (then FAIL_ENTRY). */
	if (s->efer & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return -EINVAL;
	if ((s->cr0 >> 32) || (s->cr4 & ~vmx_cfg.cr4_fixed1) ||
	    (s->cr4 & X86_CR4_VMXE) || s->cr8 > 15)
		return -EINVAL;
	vx = vmx_get(vcpu);
	for (i = 0; i < 8; i++) {
		const struct hxen_segment *g = vmx_sreg_seg(&tmp, i);

		vmcs_write(vmx_segs[i].sel, g->selector);
		vmcs_write(vmx_segs[i].base, g->base);
		vmcs_write(vmx_segs[i].limit, g->limit);
		vmcs_write(vmx_segs[i].ar, vmx_seg_to_ar(g));
	}
	vmcs_write(VMCS_GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(VMCS_GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, s->idt.limit);
	vmcs_write(VMCS_GUEST_CR3, s->cr3);
	vx->cr2 = s->cr2;
	vx->cr8 = s->cr8;
	vx->efer = s->efer;
	vmx_write_cr4(vx, s->cr4);
	vmx_write_cr0(vx, s->cr0);	/* also EFER.LMA, IA-32e, PDPTEs */
	vmx_put();
	return 0;
}

/* ------------------------------------------------------------------ */
/* MSRs held in the VMCS or switched by hand                          */
/* ------------------------------------------------------------------ */

const u32 vmx_switched_msrs[VMX_NR_SWITCHED] = {
	HX_MSR_STAR, HX_MSR_LSTAR, HX_MSR_CSTAR, HX_MSR_SFMASK,
	HX_MSR_KERNEL_GS_BASE,
};

static u64 *vmx_soft_msr(struct vmx_vcpu *vx, u32 index)
{
	unsigned int i;

	for (i = 0; i < VMX_NR_SWITCHED; i++)
		if (vmx_switched_msrs[i] == index)
			return &vx->msrs[i];
	return NULL;
}

static int vmx_vmcs_msr_field(u32 index)
{
	switch (index) {
	case HX_MSR_SYSENTER_CS:	return VMCS_GUEST_SYSENTER_CS;
	case HX_MSR_SYSENTER_ESP:	return VMCS_GUEST_SYSENTER_ESP;
	case HX_MSR_SYSENTER_EIP:	return VMCS_GUEST_SYSENTER_EIP;
	case HX_MSR_FS_BASE:		return VMCS_GUEST_FS_BASE;
	case HX_MSR_GS_BASE:		return VMCS_GUEST_GS_BASE;
	case HX_MSR_PAT:		return VMCS_GUEST_PAT;
	case HX_MSR_DEBUGCTL:		return VMCS_GUEST_DEBUGCTL;
	default:			return -1;
	}
}

int vmx_get_msr(struct hx_vcpu *vcpu, u32 index, u64 *val)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 *soft = vmx_soft_msr(vx, index);
	int field = vmx_vmcs_msr_field(index);

	if (soft) {
		*val = *soft;
		return 0;
	}
	if (index == HX_MSR_EFER) {
		*val = vx->efer;
		return 0;
	}
	if (field < 0)
		return -ENOENT;
	vmx_get(vcpu);
	*val = vmcs_read(field);
	vmx_put();
	return 0;
}

int vmx_set_msr(struct hx_vcpu *vcpu, u32 index, u64 val)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 *soft = vmx_soft_msr(vx, index);
	int field = vmx_vmcs_msr_field(index);

	if (soft) {
		*soft = val;
		return 0;
	}
	if (index != HX_MSR_EFER && field < 0)
		return -ENOENT;
	vmx_get(vcpu);
	if (index == HX_MSR_EFER) {
		vx->efer = val;
		vmx_update_entry_ctls(vx);
	} else {
		vmcs_write(field, val);
	}
	vmx_put();
	return 0;
}

void vmx_set_tsc_offset(struct hx_vcpu *vcpu, s64 offset)
{
	vmx_get(vcpu);
	vmcs_write(VMCS_TSC_OFFSET, (u64)offset);
	vmx_put();
}

/* ------------------------------------------------------------------ */
/* Events                                                             */
/* ------------------------------------------------------------------ */

bool vmx_irq_window_open(struct hx_vcpu *vcpu)
{
	bool open;

	if (!(vcpu->regs.rflags & X86_EFLAGS_IF))
		return false;
	vmx_get(vcpu);
	open = !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) & (INTRBL_STI | INTRBL_MOV_SS)) &&
	       !(vmcs_read(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID);
	vmx_put();
	return open;
}

void vmx_inject_irq(struct hx_vcpu *vcpu, u8 vector)
{
	vmx_get(vcpu);
	vmcs_write(VMCS_ENTRY_INTR_INFO,
		   INTR_INFO_VALID | (INTR_TYPE_EXT << 8) | vector);
	vmx_put();
}

void vmx_inject_exception(struct hx_vcpu *vcpu, u8 vector, bool has_err,
				 u32 err)
{
	vmx_queue_exception(vmx_get(vcpu), vector, has_err, err);
	vmx_put();
}

void vmx_request_irq_window(struct hx_vcpu *vcpu, bool on)
{
	vmx_get(vcpu);
	vmcs_write(VMCS_PROC_CTLS, vmx_cfg.proc | (on ? PROC_INTR_WINDOW : 0));
	vmx_put();
}

void vmx_clear_int_shadow(struct hx_vcpu *vcpu)
{
	vmx_get(vcpu);
	vmx_drop_int_shadow();
	vmx_put();
}

u32 vmx_get_cpl(struct hx_vcpu *vcpu)
{
	u32 cpl = vmx_cpl(vmx_get(vcpu));

	vmx_put();
	return cpl;
}

/* x86 power-on state (SDM vol. 3A, table 9-1), run as unrestricted guest. */
void vmx_reset_guest(struct vmx_vcpu *vx)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u32 ar = VMX_AR_P | VMX_AR_S | 3;		/* read/write data, accessed */

		if (i == 0)
			ar = VMX_AR_P | VMX_AR_S | 0xb;		/* code, read, accessed */
		else if (i == 6)
			ar = VMX_AR_P | 0xb;		/* busy 32-bit TSS */
		else if (i == 7)
			ar = VMX_AR_P | 0x2;		/* LDT */
		vmcs_write(vmx_segs[i].sel, i == 0 ? 0xf000 : 0);
		vmcs_write(vmx_segs[i].base, i == 0 ? 0xffff0000ULL : 0);
		vmcs_write(vmx_segs[i].limit, 0xffff);
		vmcs_write(vmx_segs[i].ar, ar);
	}
	vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(VMCS_GUEST_CR3, 0);
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_PAT, 0x0007040600070406ULL);
	vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY, 0);
	vmcs_write(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_GUEST_RSP, 0);
	vmcs_write(VMCS_GUEST_RIP, 0xfff0);
	vmcs_write(VMCS_GUEST_RFLAGS, 2);
	vx->cr2 = 0;
	vx->cr8 = 0;
	vx->efer = 0;
	vx->dr6 = 0xffff0ff0;
	vx->dr7 = 0x400;
	memset(vx->msrs, 0, sizeof(vx->msrs));
	vmx_write_cr4(vx, 0);
	vmx_write_cr0(vx, X86_CR0_CD | X86_CR0_NW | X86_CR0_ET);
}

