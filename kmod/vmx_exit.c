// SPDX-License-Identifier: GPL-2.0
/*
 * VMX exit decoding: one handler per basic exit reason (SDM appendix C),
 * translating the exit into a struct hx_exit for the core, or handling
 * it here when only VMX has it (MOV CR/DR emulation, #UD for VMX and
 * monitor instructions).  Called with preemption disabled and the VMCS
 * current, interrupts enabled.
 */
#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include "vmx.h"

/* SDM table 27-3 numbering (RAX, RCX, RDX, RBX, RSP, ...) -> hxen_regs. */
static u64 *vmx_gpr(struct hx_vcpu *vcpu, unsigned int n)
{
	struct hxen_regs *r = &vcpu->regs;
	u64 *map[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
			 &r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
			 &r->r12, &r->r13, &r->r14, &r->r15 };

	return map[n & 15];
}

/* STI / MOV SS blocking ends with the instruction after it. */
void vmx_drop_int_shadow(void)
{
	u64 v = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);

	if (v & (INTRBL_STI | INTRBL_MOV_SS))
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   v & ~(u64)(INTRBL_STI | INTRBL_MOV_SS));
}

static void vmx_skip_insn(struct hx_vcpu *vcpu)
{
	vcpu->regs.rip += vmcs_read(VMCS_EXIT_INSN_LEN);
	vmx_drop_int_shadow();
}

/* Hardware exception for the next entry; real mode takes no error code. */
void vmx_queue_exception(struct vmx_vcpu *vx, u8 vector, bool has_err, u32 err)
{
	u32 info = INTR_INFO_VALID | (INTR_TYPE_HW_EXC << 8) | vector;

	if (has_err && (vmx_guest_cr0() & X86_CR0_PE)) {
		info |= INTR_INFO_ERROR_VALID;
		vmcs_write(VMCS_ENTRY_EXC_ERROR, err);
	}
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
}

static void vmx_queue_exc(struct vmx_vcpu *vx, u8 vector, bool err)
{
	vmx_queue_exception(vx, vector, err, 0);
}

/* CPL with the VMCS current: SS.DPL is always the CPL (SDM 24.4.1). */
u32 vmx_cpl(struct vmx_vcpu *vx)
{
	if (!(vmx_guest_cr0() & X86_CR0_PE))
		return 0;
	if (vx->vcpu->regs.rflags & X86_EFLAGS_VM)
		return 3;
	return VMX_AR_DPL(vmcs_read(VMCS_GUEST_SS_AR));
}

typedef int (*vmx_exit_fn)(struct hx_vcpu *vcpu, struct hx_exit *exit,
			   bool *reenter);

static int vmx_exit_simple(struct hx_exit *exit, enum hx_exit_kind kind)
{
	exit->kind = kind;
	exit->insn_len = vmcs_read(VMCS_EXIT_INSN_LEN);
	return 0;
}

static int vmx_exit_cpuid(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	return vmx_exit_simple(e, HX_EXIT_CPUID);
}

static int vmx_exit_rdmsr(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	return vmx_exit_simple(e, HX_EXIT_RDMSR);
}

static int vmx_exit_wrmsr(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	return vmx_exit_simple(e, HX_EXIT_WRMSR);
}

static int vmx_exit_hlt(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	return vmx_exit_simple(e, HX_EXIT_HLT);
}

static int vmx_exit_vmcall(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	return vmx_exit_simple(e, HX_EXIT_HYPERCALL);
}

static int vmx_exit_xsetbv(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	return vmx_exit_simple(e, HX_EXIT_XSETBV);
}

/* VMX, SMX, MONITOR/MWAIT, INVD, ENCLS ...: not offered, #UD. */
static int vmx_exit_ud(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	return vmx_exit_simple(e, HX_EXIT_UD);
}

static int vmx_exit_continue(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	*r = true;
	return 0;
}

static int vmx_exit_triple(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	e->kind = HX_EXIT_SHUTDOWN;
	return 0;
}

static int vmx_exit_irq_window(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	e->kind = HX_EXIT_IRQ_WINDOW;
	return 0;
}

/* RDPMC: no PMU is offered, the guest gets #GP(0). */
static int vmx_exit_rdpmc(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	vmx_queue_exc(to_vmx(v), 13, true);
	*r = true;
	return 0;
}

/* Exception or NMI: NMIs were re-raised by vmx_vcpu_run. */
static int vmx_exit_exc_nmi(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	u32 info = vmcs_read(VMCS_EXIT_INTR_INFO);

	if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
		*r = true;
		return 0;
	}
	e->kind = HX_EXIT_UNHANDLED;
	e->info2 = info;
	return 0;
}

static int vmx_exit_io(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	u64 q = vmcs_read(VMCS_EXIT_QUAL);

	e->kind = HX_EXIT_IO;
	e->insn_len = vmcs_read(VMCS_EXIT_INSN_LEN);
	e->io.port = IOQ_PORT(q);
	e->io.size = IOQ_SIZE(q);
	e->io.in = !!(q & IOQ_IN);
	e->io.string = !!(q & IOQ_STRING);
	e->io.rep = !!(q & IOQ_REP);
	if (e->io.string) {
		/* VM-exit instruction information (SDM table 27-8). */
		u32 ii = vmcs_read(VMCS_EXIT_INSN_INFO);

		e->io.addr_size = 2 << ((ii >> 7) & 7);
		e->io.seg = (ii >> 15) & 7;
	}
	return 0;
}

static int vmx_exit_ept(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	u64 q = vmcs_read(VMCS_EXIT_QUAL);

	e->kind = HX_EXIT_NPF;
	e->npf.gpa = vmcs_read(VMCS_GUEST_PHYS_ADDR);
	e->npf.access = (q & EPTQ_READ ? HX_NPF_READ : 0) |
			(q & EPTQ_WRITE ? HX_NPF_WRITE : 0) |
			(q & EPTQ_FETCH ? HX_NPF_FETCH : 0) |
			(q & EPTQ_PRESENT_MASK ? HX_NPF_PRESENT : 0);
	e->info2 = e->npf.gpa;
	/*
	 * NMI unblocking due to IRET (qualification bit 12) only matters
	 * with virtual NMIs, which hxen does not use.
	 */
	return 0;
}

/* MOV to/from CR0, CR4, CR8 and LMSW (SDM table 27-3). */
static int vmx_exit_cr(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	struct vmx_vcpu *vx = to_vmx(v);
	u64 q = vmcs_read(VMCS_EXIT_QUAL);
	u64 *gpr = vmx_gpr(v, CRQ_GPR(q));
	u64 val = *gpr, cr0 = vmx_guest_cr0();
	unsigned int cr = CRQ_CR(q);

	*r = true;
	if (!(vx->efer & EFER_LMA))
		val &= 0xffffffffULL;
	switch (CRQ_TYPE(q)) {
	case CRQ_TYPE_MOV_TO:
		if (cr == 0) {
			if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
			    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
				goto gp;
			if ((val & X86_CR0_PG) && !(cr0 & X86_CR0_PG) &&
			    (vx->efer & EFER_LME) && !(vmx_guest_cr4() & X86_CR4_PAE))
				goto gp;
			vmx_write_cr0(vx, val);
		} else if (cr == 4) {
			if ((val & ~vmx_cfg.cr4_fixed1) || (val & X86_CR4_VMXE))
				goto gp;
			if ((vx->efer & EFER_LMA) && !(val & X86_CR4_PAE))
				goto gp;
			vmx_write_cr4(vx, val);
		} else if (cr == 8) {
			if (val > 15)
				goto gp;
			vx->cr8 = val;
		} else {
			goto unhandled;
		}
		break;
	case CRQ_TYPE_MOV_FROM:
		if (cr != 8)
			goto unhandled;
		*gpr = vx->cr8;
		break;
	case CRQ_TYPE_LMSW:
		/* LMSW sets PE but never clears it, and only touches bits 0-3. */
		vmx_write_cr0(vx, (cr0 & ~0xeULL) | (CRQ_LMSW_DATA(q) & 0xf) |
			      (cr0 & X86_CR0_PE));
		break;
	default:	/* CLTS: TS is not intercepted */
		goto unhandled;
	}
	vmx_skip_insn(v);
	return 0;
gp:
	vmx_queue_exc(vx, 13, true);
	return 0;
unhandled:
	*r = false;
	e->kind = HX_EXIT_UNHANDLED;
	return 0;
}

/*
 * MOV DR always exits: the guest's debug registers live here and never
 * reach the hardware, so guest breakpoints do not fire (documented
 * limitation) but the host's DR0-3/DR6 are never disturbed.
 */
static int vmx_exit_dr(struct hx_vcpu *v, struct hx_exit *e, bool *r)
{
	struct vmx_vcpu *vx = to_vmx(v);
	u64 q = vmcs_read(VMCS_EXIT_QUAL);
	u64 *gpr = vmx_gpr(v, DRQ_GPR(q));
	unsigned int n = DRQ_DR(q);
	u64 *dr = n < 4 ? &vx->dr[n] : (n == 4 || n == 6) ? &vx->dr6 : &vx->dr7;

	*r = true;
	if (vmx_cpl(vx)) {
		vmx_queue_exc(vx, 13, true);
		return 0;
	}
	if (q & DRQ_FROM) {
		*gpr = (vx->efer & EFER_LMA) ? *dr : (u32)*dr;
	} else {
		if ((vx->efer & EFER_LMA) && (n >= 6) && (*gpr >> 32)) {
			vmx_queue_exc(vx, 13, true);
			return 0;
		}
		*dr = *gpr;
		if (dr == &vx->dr6)
			*dr = (*dr & 0xffffefffULL) | 0xffff0ff0ULL;
		else if (dr == &vx->dr7)
			*dr = (*dr & 0xffffffffULL & ~0xd800ULL) | 0x400;
	}
	vmx_skip_insn(v);
	return 0;
}

static const vmx_exit_fn vmx_exit_table[VMX_EXIT_MAX] = {
	[VMX_EXIT_EXC_NMI]		= vmx_exit_exc_nmi,
	[VMX_EXIT_EXT_INTR]		= vmx_exit_continue,
	[VMX_EXIT_TRIPLE_FAULT]		= vmx_exit_triple,
	[VMX_EXIT_INTR_WINDOW]		= vmx_exit_irq_window,
	[VMX_EXIT_CPUID]		= vmx_exit_cpuid,
	[VMX_EXIT_GETSEC]		= vmx_exit_ud,
	[VMX_EXIT_HLT]			= vmx_exit_hlt,
	[VMX_EXIT_INVD]			= vmx_exit_ud,
	[VMX_EXIT_RDPMC]		= vmx_exit_rdpmc,
	[VMX_EXIT_VMCALL]		= vmx_exit_vmcall,
	[VMX_EXIT_VMCLEAR]		= vmx_exit_ud,
	[VMX_EXIT_VMLAUNCH]		= vmx_exit_ud,
	[VMX_EXIT_VMPTRLD]		= vmx_exit_ud,
	[VMX_EXIT_VMPTRST]		= vmx_exit_ud,
	[VMX_EXIT_VMREAD]		= vmx_exit_ud,
	[VMX_EXIT_VMRESUME]		= vmx_exit_ud,
	[VMX_EXIT_VMWRITE]		= vmx_exit_ud,
	[VMX_EXIT_VMXOFF]		= vmx_exit_ud,
	[VMX_EXIT_VMXON]		= vmx_exit_ud,
	[VMX_EXIT_CR_ACCESS]		= vmx_exit_cr,
	[VMX_EXIT_DR_ACCESS]		= vmx_exit_dr,
	[VMX_EXIT_IO]			= vmx_exit_io,
	[VMX_EXIT_RDMSR]		= vmx_exit_rdmsr,
	[VMX_EXIT_WRMSR]		= vmx_exit_wrmsr,
	[VMX_EXIT_MWAIT]		= vmx_exit_ud,
	[VMX_EXIT_MONITOR]		= vmx_exit_ud,
	[VMX_EXIT_EPT_VIOLATION]	= vmx_exit_ept,
	[VMX_EXIT_INVEPT]		= vmx_exit_ud,
	[VMX_EXIT_INVVPID]		= vmx_exit_ud,
	[VMX_EXIT_PREEMPT_TIMER]	= vmx_exit_continue,	/* watchdog */
	[VMX_EXIT_XSETBV]		= vmx_exit_xsetbv,
	[VMX_EXIT_VMFUNC]		= vmx_exit_ud,
	[VMX_EXIT_ENCLS]		= vmx_exit_ud,
};

int vmx_handle_exit(struct hx_vcpu *vcpu, u32 reason, struct hx_exit *exit,
		    bool *reenter)
{
	vmx_exit_fn fn = reason < VMX_EXIT_MAX ? vmx_exit_table[reason] : NULL;

	exit->code = reason;
	exit->info1 = vmcs_read(VMCS_EXIT_QUAL);
	*reenter = false;
	if (fn)
		return fn(vcpu, exit, reenter);
	/* EPT misconfiguration, task switch, INIT ...: user space decides. */
	exit->kind = HX_EXIT_UNHANDLED;
	exit->info2 = vmcs_read(VMCS_GUEST_PHYS_ADDR);
	return 0;
}
