// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM backend (AMD APM vol. 2, ch. 15).  Mirrors vmx.c: svm_probe,
 * svm_cpu_enable, svm_vcpu_run, ...  One VMCB per vCPU, NPT always on,
 * every I/O port and MSR intercepted (shared IOPM/MSRPM, all ones) but
 * FS_BASE, GS_BASE and KERNEL_GS_BASE (svm_msrpm_passthrough).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/svm.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/pgtable.h>
#include "hx_vm.h"
#include "hx_msr.h"
#include "hx_entry_asm.h"
#include "svm_check.h"

static_assert(offsetof(struct hxen_regs, rbx) == R_RBX);
static_assert(offsetof(struct hxen_regs, rbp) == R_RBP);
static_assert(offsetof(struct hxen_regs, r8) == R_R8);
static_assert(offsetof(struct hxen_regs, r15) == R_R15);

#define MSR_VM_CR_ADDR		0xc0010114
#define MSR_VM_HSAVE_PA_ADDR	0xc0010117
#define VM_CR_SVMDIS		(1ULL << 4)

#define SVM_FEAT_NPT		(1U << 0)	/* CPUID 0x8000000A EDX */
#define SVM_FEAT_NRIPS		(1U << 3)
#define SVM_FEAT_TSC_SCALE	(1U << 4)
#define SVM_FEAT_DECODE		(1U << 7)

#define IOPM_ORDER		2	/* 12 KiB used */
#define MSRPM_ORDER		1	/* 8 KiB */

/* Segment attribute bits in the VMCB [APM 15.5.1, table 15-?]. */
#define SEG_P			(1U << 7)

struct svm_cpu {
	struct page *hsave;		/* VM_HSAVE_PA */
	struct page *host_vmcb;		/* VMSAVE/VMLOAD of host state */
	bool enabled;
	u32 next_asid;
	u64 asid_gen;
};

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	unsigned long dr[4];		/* the guest's DR0-3 while it is out */
	u32 asid;
	u64 asid_gen;
	int cpu;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpus);
static struct page *svm_iopm, *svm_msrpm;
static u32 svm_max_asid;
static bool svm_nrips;

asmlinkage void svm_vmrun_asm(u64 vmcb_pa, u64 host_save_pa, struct hxen_regs *regs);

static inline struct svm_vcpu *to_svm(struct hx_vcpu *vcpu)
{
	return vcpu->arch;
}

static inline void svm_set_intercept(struct vmcb *vmcb, int bit)
{
	vmcb->control.intercepts[bit / 32] |= 1U << (bit % 32);
}

static inline void svm_clr_intercept(struct vmcb *vmcb, int bit)
{
	vmcb->control.intercepts[bit / 32] &= ~(1U << (bit % 32));
}

static inline void svm_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static inline void svm_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

/* --- probe / enable ---------------------------------------------------- */

static int svm_probe(struct hxen_caps *caps)
{
	u32 eax, ebx, ecx, edx;
	u64 vm_cr = 0;

	if (!(cpuid_ecx(0x80000001) & (1U << 2))) {
		strscpy(caps->reason, "CPU has no AMD SVM (AMD-V), or the machine's "
			"hypervisor does not expose it", sizeof(caps->reason));
		return -ENODEV;
	}
	if (!rdmsrl_safe(MSR_VM_CR_ADDR, &vm_cr) && (vm_cr & VM_CR_SVMDIS)) {
		strscpy(caps->reason, "SVM is disabled by the firmware (VM_CR.SVMDIS): "
			"enable SVM/AMD-V in the BIOS setup", sizeof(caps->reason));
		return -EPERM;
	}
	cpuid(0x8000000a, &eax, &ebx, &ecx, &edx);
	if (!(edx & SVM_FEAT_NPT)) {
		strscpy(caps->reason, "SVM without nested paging (NPT): hxen needs "
			"a CPU with NPT (AMD family 10h or later)", sizeof(caps->reason));
		return -ENODEV;
	}
	svm_nrips = edx & SVM_FEAT_NRIPS;
	/* ASID 0 is the host's. */
	svm_max_asid = ebx > 1 ? ebx - 1 : 0;
	if (!svm_max_asid) {
		strscpy(caps->reason, "SVM reports no guest ASIDs", sizeof(caps->reason));
		return -ENODEV;
	}
	/* Long-mode NPT has 2 MiB PDEs [APM vol. 2 15.25.5]. */
	caps->features |= HXEN_CAP_NPT | HXEN_CAP_NPT_2M;
	if (svm_nrips)
		caps->features |= HXEN_CAP_NRIPS;
	if (edx & SVM_FEAT_DECODE)
		caps->features |= HXEN_CAP_DECODE_ASSISTS;
	if (edx & SVM_FEAT_TSC_SCALE)
		caps->features |= HXEN_CAP_TSC_SCALING;
	caps->nr_asids = ebx;
	caps->paging_levels = pgtable_l5_enabled() ? 5 : 4;
	return 0;
}

static void svm_hw_teardown(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpus, cpu);

		if (sc->hsave)
			__free_page(sc->hsave);
		if (sc->host_vmcb)
			__free_page(sc->host_vmcb);
		sc->hsave = sc->host_vmcb = NULL;
	}
	if (svm_iopm)
		__free_pages(svm_iopm, IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, MSRPM_ORDER);
	svm_iopm = svm_msrpm = NULL;
}

/*
 * FS_BASE, GS_BASE and KERNEL_GS_BASE read and written by the guest
 * without an exit.  They live in the VMCB's save area, which VMLOAD and
 * VMSAVE swap around every VMRUN (svm_entry.S), so svm_get_msr() and
 * svm_set_msr() still see the guest's values, and the CPU makes the
 * canonical-address check itself.  A guest kernel without FSGSBASE
 * writes FS_BASE on most context switches: under nested emulation that
 * was the most frequent exit of a guest doing I/O (make bench).
 *
 * MSRPM [APM 15.11]: MSRs C000_0000h-C000_1FFFh at byte 800h, two bits
 * per MSR (read, write), so C000_0100h-C000_0102h are bits 0-5 of byte
 * 840h.
 */
static void svm_msrpm_passthrough(u8 *msrpm)
{
	msrpm[0x840] &= ~0x3f;
}

static int svm_hw_setup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpus, cpu);

		sc->hsave = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
		sc->host_vmcb = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
		if (!sc->hsave || !sc->host_vmcb)
			goto fail;
		sc->enabled = false;
	}
	/* All ones: every port and every MSR access exits (but see above). */
	svm_iopm = alloc_pages(GFP_KERNEL, IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm)
		goto fail;
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << IOPM_ORDER);
	memset(page_address(svm_msrpm), 0xff, PAGE_SIZE << MSRPM_ORDER);
	svm_msrpm_passthrough(page_address(svm_msrpm));
	return 0;
fail:
	svm_hw_teardown();
	return -ENOMEM;
}

/* On this CPU; IRQs off or preemption off. */
static int svm_cpu_enable(void)
{
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpus);
	u64 efer, vm_cr = 0;

	if (sc->enabled)
		return 0;
	if (!sc->hsave)
		return -ENOMEM;
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;	/* kvm_amd, VirtualBox, ... own SVM here */
	if (!rdmsrl_safe(MSR_VM_CR_ADDR, &vm_cr) && (vm_cr & VM_CR_SVMDIS))
		return -EPERM;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA_ADDR, page_to_phys(sc->hsave));
	sc->enabled = true;
	/* Fresh ASID space: every vCPU gets a new ASID, TLB flushed once. */
	sc->asid_gen++;
	sc->next_asid = svm_max_asid + 1;
	return 0;
}

static void svm_cpu_disable(void)
{
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpus);
	u64 efer;

	if (!sc->enabled)
		return;
	wrmsrl(MSR_VM_HSAVE_PA_ADDR, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	sc->enabled = false;
}

/* --- VM ---------------------------------------------------------------- */

static int svm_vm_init(struct hx_vm *vm)
{
	return 0;	/* nothing beyond the shared NPT */
}

static void svm_vm_destroy(struct hx_vm *vm)
{
}

/* --- vCPU -------------------------------------------------------------- */

static void seg_set(struct vmcb_seg *s, u16 sel, u64 base, u32 limit, u16 attr)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attr;
}

/* x86 power-on state [APM 14.1.3]. */
static void svm_reset_save(struct vmcb_save_area *s)
{
	seg_set(&s->cs, 0xf000, 0xffff0000, 0xffff, 0x9b);
	seg_set(&s->ds, 0, 0, 0xffff, 0x93);
	seg_set(&s->es, 0, 0, 0xffff, 0x93);
	seg_set(&s->ss, 0, 0, 0xffff, 0x93);
	seg_set(&s->fs, 0, 0, 0xffff, 0x93);
	seg_set(&s->gs, 0, 0, 0xffff, 0x93);
	seg_set(&s->gdtr, 0, 0, 0xffff, 0);
	seg_set(&s->idtr, 0, 0, 0xffff, 0);
	seg_set(&s->ldtr, 0, 0, 0xffff, 0x82);
	seg_set(&s->tr, 0, 0, 0xffff, 0x8b);
	s->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = X86_EFLAGS_FIXED;
	s->rip = 0xfff0;
	s->efer = EFER_SVME;	/* required while in guest mode, hidden from the guest */
	s->g_pat = 0x0007040600070406ULL;
}

static int svm_vcpu_create(struct hx_vcpu *vcpu)
{
	struct svm_vcpu *sv;
	struct vmcb *vmcb;
	struct page *page;
	static const int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
		INTERCEPT_CPUID, INTERCEPT_HLT, INTERCEPT_INVLPGA,
		INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT, INTERCEPT_SHUTDOWN,
		INTERCEPT_RSM, INTERCEPT_TASK_SWITCH,
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
		INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI,
		INTERCEPT_SKINIT, INTERCEPT_MONITOR, INTERCEPT_MWAIT,
		INTERCEPT_XSETBV, INTERCEPT_RDPRU,
	};
	unsigned int i;

	sv = kzalloc(sizeof(*sv), GFP_KERNEL);
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!sv || !page) {
		kfree(sv);
		if (page)
			__free_page(page);
		return -ENOMEM;
	}
	vmcb = page_address(page);
	sv->vmcb = vmcb;
	sv->vmcb_pa = page_to_phys(page);
	sv->cpu = -1;

	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		svm_set_intercept(vmcb, intercepts[i]);
	vmcb->control.iopm_base_pa = page_to_phys(svm_iopm);
	vmcb->control.msrpm_base_pa = page_to_phys(svm_msrpm);
	vmcb->control.int_ctl = V_INTR_MASKING_MASK;
	vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	vmcb->control.nested_cr3 = vcpu->vm->npt.root_pa;
	svm_reset_save(&vmcb->save);
	vcpu->arch = sv;
	return 0;
}

static void svm_vcpu_destroy(struct hx_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (!sv)
		return;
	__free_page(virt_to_page(sv->vmcb));
	kfree(sv);
	vcpu->arch = NULL;
}

/* Give the vCPU an ASID valid on this CPU (new CPU, wrap, or flush needed). */
static void svm_assign_asid(struct hx_vcpu *vcpu, struct svm_cpu *sc, int cpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	int gen = atomic_read(&vcpu->vm->tlb_gen);
	struct vmcb *vmcb = sv->vmcb;

	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	if (sv->cpu == cpu && sv->asid_gen == sc->asid_gen && vcpu->tlb_gen == gen)
		return;
	if (sc->next_asid > svm_max_asid) {
		/* Out of ASIDs (QEMU TCG has 16): new generation, flush all. */
		sc->asid_gen++;
		sc->next_asid = 1;
		vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	sv->asid = sc->next_asid++;
	sv->asid_gen = sc->asid_gen;
	sv->cpu = cpu;
	vcpu->tlb_gen = gen;
	vmcb->control.asid = sv->asid;
	vmcb->control.clean = 0;	/* VMCB may be cached for another CPU */
}

static u32 svm_known_len(u64 code)
{
	switch (code) {
	case SVM_EXIT_HLT:
		return 1;
	case SVM_EXIT_CPUID:
	case SVM_EXIT_MSR:
		return 2;
	case SVM_EXIT_VMMCALL:
	case SVM_EXIT_XSETBV:
		return 3;
	default:
		return 0;
	}
}

/* Re-queue an event whose delivery the exit interrupted [APM 15.7.2]. */
static void svm_reinject(struct vmcb *vmcb)
{
	u32 info = vmcb->control.exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u32 vec = info & SVM_EXITINTINFO_VEC_MASK;

	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	/*
	 * INTn, INT3 and INTO restart by re-executing the instruction (RIP
	 * still points at it); re-injecting them would need NRIPS.
	 */
	if (type == SVM_EXITINTINFO_TYPE_SOFT ||
	    (type == SVM_EXITINTINFO_TYPE_EXEPT && (vec == 3 || vec == 4)))
		return;
	/*
	 * An "exception" with a vector above 31 cannot happen on an AMD CPU.
	 * QEMU TCG reports one when it delivers an injected interrupt a
	 * second time from its stale exception index (docs/kmod.md) and that
	 * second delivery takes a nested page fault (a page not mapped yet,
	 * or write-protected by the dirty log): the interrupt was delivered
	 * once already, so the duplicate is dropped.  Re-injecting it would
	 * fail the next VMRUN with VMEXIT_INVALID [APM 15.20].
	 */
	if (!svm_event_legal(info)) {
		pr_debug_ratelimited("hxen: EXITINTINFO %#x dropped (not injectable)\n", info);
		return;
	}
	vmcb->control.event_inj = info;
	vmcb->control.event_inj_err = vmcb->control.exit_int_info_err;
}

static void svm_decode_exit(struct hx_vcpu *vcpu, struct vmcb *vmcb, struct hx_exit *exit)
{
	u64 code = vmcb->control.exit_code | ((u64)vmcb->control.exit_code_hi << 32);
	u64 info1 = vmcb->control.exit_info_1;
	u64 info2 = vmcb->control.exit_info_2;

	memset(exit, 0, sizeof(*exit));
	exit->code = code;
	exit->info1 = info1;
	exit->info2 = info2;
	if (svm_nrips && vmcb->control.next_rip > vmcb->save.rip &&
	    vmcb->control.next_rip - vmcb->save.rip <= 15)
		exit->insn_len = vmcb->control.next_rip - vmcb->save.rip;
	else
		exit->insn_len = svm_known_len(code);

	/*
	 * VMEXIT_INVALID is -1 as a 64-bit EXITCODE [APM vol. 2, 15.6];
	 * accept it when only the low half was written as well.
	 */
	if ((u32)code == (u32)SVM_EXIT_ERR) {
		exit->kind = HX_EXIT_FAIL_ENTRY;
		return;
	}
	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_INIT:
		exit->kind = HX_EXIT_CONTINUE;	/* the host handles it after STGI */
		break;
	case SVM_EXIT_VINTR:
		exit->kind = HX_EXIT_IRQ_WINDOW;
		break;
	case SVM_EXIT_CPUID:
		exit->kind = HX_EXIT_CPUID;
		break;
	case SVM_EXIT_HLT:
		exit->kind = HX_EXIT_HLT;
		break;
	case SVM_EXIT_MSR:
		exit->kind = info1 ? HX_EXIT_WRMSR : HX_EXIT_RDMSR;
		break;
	case SVM_EXIT_IOIO:
		/* EXITINFO1 layout [APM 15.10.2]; EXITINFO2 = next RIP. */
		exit->kind = HX_EXIT_IO;
		exit->io.port = info1 >> 16;
		exit->io.in = info1 & 1;
		exit->io.string = !!(info1 & SVM_IOIO_STR_MASK);
		exit->io.rep = !!(info1 & SVM_IOIO_REP_MASK);
		exit->io.size = (info1 >> SVM_IOIO_SIZE_SHIFT) & 7;	/* 1, 2, 4 */
		exit->io.addr_size = ((info1 >> SVM_IOIO_ASIZE_SHIFT) & 7) * 2;
		exit->io.seg = (info1 >> 10) & 7;
		if (info2 > vmcb->save.rip && info2 - vmcb->save.rip <= 15)
			exit->insn_len = info2 - vmcb->save.rip;
		break;
	case SVM_EXIT_NPF:
		exit->kind = HX_EXIT_NPF;
		exit->npf.gpa = info2;
		exit->npf.access = (info1 & 1 ? HX_NPF_PRESENT : 0) |
				   (info1 & 2 ? HX_NPF_WRITE : HX_NPF_READ) |
				   (info1 & 16 ? HX_NPF_FETCH : 0);
		break;
	case SVM_EXIT_SHUTDOWN:
		exit->kind = HX_EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_VMMCALL:
		exit->kind = HX_EXIT_HYPERCALL;
		break;
	case SVM_EXIT_XSETBV:
		exit->kind = HX_EXIT_XSETBV;
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_RDPRU:
		exit->kind = HX_EXIT_UD;	/* hidden in CPUID */
		break;
	default:
		exit->kind = HX_EXIT_UNHANDLED;
		break;
	}
}

/* CR4 and EFER bits the host CPU implements, from CPUID [APM 3.1.3, 3.1.7]. */
static void svm_valid_cr4_efer(u64 *cr4, u64 *efer)
{
	u32 l1c = cpuid_ecx(1), l7b = 0, l7c = 0, e1c, e1d, eax, edx;

	if (cpuid_eax(0) >= 7)
		cpuid_count(7, 0, &eax, &l7b, &l7c, &edx);
	e1c = cpuid_ecx(0x80000001);
	e1d = cpuid_edx(0x80000001);
	*cr4 = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE |
	       X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE |
	       X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	*cr4 |= (l7c & BIT(2) ? X86_CR4_UMIP : 0) | (l7c & BIT(16) ? X86_CR4_LA57 : 0) |
		(l7b & BIT(0) ? X86_CR4_FSGSBASE : 0) | (l1c & BIT(17) ? X86_CR4_PCIDE : 0) |
		(l1c & BIT(26) ? X86_CR4_OSXSAVE : 0) | (l7b & BIT(7) ? X86_CR4_SMEP : 0) |
		(l7b & BIT(20) ? X86_CR4_SMAP : 0) | (l7c & BIT(3) ? X86_CR4_PKE : 0) |
		(l7c & BIT(7) ? X86_CR4_CET : 0);
	*efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_SVME |
		(e1d & BIT(20) ? EFER_NX : 0) | (e1d & BIT(25) ? EFER_FFXSR : 0) |
		(e1c & BIT(17) ? BIT_ULL(15) : 0)	/* TCE */;
}

/*
 * VMRUN said VMEXIT_INVALID without saying why: name the consistency
 * check the VMCB fails (svm_check.c), log it with the fields those checks
 * read, and return its number for the monitor's report.
 */
static u32 svm_explain_invalid(struct hx_vcpu *vcpu, const struct vmcb *vmcb)
{
	const struct vmcb_save_area *v = &vmcb->save;
	const struct vmcb_control_area *c = &vmcb->control;
	struct svm_check_in in = {
		.efer = v->efer, .cr0 = v->cr0, .cr3 = v->cr3, .cr4 = v->cr4,
		.dr6 = v->dr6, .dr7 = v->dr7, .cs_attrib = v->cs.attrib,
		.asid = c->asid,
		.vmrun_intercept = c->intercepts[INTERCEPT_VMRUN / 32] &
				   (1U << (INTERCEPT_VMRUN % 32)),
		.iopm_pa = c->iopm_base_pa, .msrpm_pa = c->msrpm_base_pa,
		.np_enable = c->nested_ctl & SVM_NESTED_CTL_NP_ENABLE,
		.ncr3 = c->nested_cr3,
		.event_inj = c->event_inj, .event_inj_err = c->event_inj_err,
		.phys_bits = boot_cpu_data.x86_phys_bits,
		.long_mode = cpuid_edx(0x80000001) & BIT(29),
	};
	const char *why;
	u32 code;

	svm_valid_cr4_efer(&in.cr4_valid, &in.efer_valid);
	why = svm_check_vmcb(&in, &code);
	pr_err_ratelimited("hxen: vm %llu vcpu %u: VMRUN failed (VMEXIT_INVALID): %s\n",
			   vcpu->vm->serial, vcpu->id,
			   why ?: "no consistency check of APM vol. 2 15.5.1 fails on this VMCB (a host-side check?)");
	pr_err_ratelimited("hxen: vcpu %u: efer %#llx cr0 %#llx cr3 %#llx cr4 %#llx dr6 %#llx dr7 %#llx cs %#x/%#x cpl %u rip %#llx rflags %#llx asid %u ncr3 %#llx event_inj %#x int_ctl %#x int_state %#x\n",
			   vcpu->id, v->efer, v->cr0, v->cr3, v->cr4, v->dr6, v->dr7,
			   v->cs.selector, v->cs.attrib, v->cpl, v->rip, v->rflags,
			   c->asid, c->nested_cr3, c->event_inj, c->int_ctl, c->int_state);
	return code;
}

/*
 * DR0-3 from @cur (what the registers hold) to @want, writing only those
 * that differ: host and guest usually both have zeros, and a DR write is
 * costly on the exit path.  IRQs off.
 */
static void svm_switch_dr03(const unsigned long *cur, const unsigned long *want)
{
	if (cur[0] != want[0])
		set_debugreg(want[0], 0);
	if (cur[1] != want[1])
		set_debugreg(want[1], 1);
	if (cur[2] != want[2])
		set_debugreg(want[2], 2);
	if (cur[3] != want[3])
		set_debugreg(want[3], 3);
}

static int svm_vcpu_run(struct hx_vcpu *vcpu, struct hx_exit *exit)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb *vmcb = sv->vmcb;
	int cpu = smp_processor_id();
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpus);
	unsigned long dr[4], dr6, dr7;
	int ret;

	if (!sc->enabled) {
		/* A CPU that came online after SVM was switched on. */
		local_irq_disable();
		ret = svm_cpu_enable();
		local_irq_enable();
		if (ret)
			return ret;
	}
	/*
	 * A VMCB that is also this CPU's host save area would be overwritten
	 * by VMRUN itself: refuse (seen once under heavy load in e2e, cause
	 * not found yet; see docs/kmod.md).
	 */
	if (unlikely(sv->vmcb_pa == page_to_phys(sc->hsave) ||
		     sv->vmcb_pa == page_to_phys(sc->host_vmcb))) {
		pr_err_ratelimited("hxen: vcpu %u: VMCB %#llx aliases cpu %d's host save area\n",
				   vcpu->id, sv->vmcb_pa, cpu);
		return -EIO;
	}
	svm_assign_asid(vcpu, sc, cpu);
	vmcb->control.nested_cr3 = vcpu->vm->npt.root_pa;
	vmcb->save.rax = vcpu->regs.rax;
	vmcb->save.rsp = vcpu->regs.rsp;
	vmcb->save.rip = vcpu->regs.rip;
	vmcb->save.rflags = vcpu->regs.rflags | X86_EFLAGS_FIXED;

	/*
	 * The guest's DR6/DR7 are in the VMCB; DR0-3 are not, and MOV DR is
	 * not intercepted: the guest's go into the registers for the run
	 * and are read back after it [APM 15.5.1: VMRUN/#VMEXIT leave DR0-3].
	 */
	get_debugreg(dr[0], 0);
	get_debugreg(dr[1], 1);
	get_debugreg(dr[2], 2);
	get_debugreg(dr[3], 3);
	get_debugreg(dr6, 6);
	get_debugreg(dr7, 7);

	local_irq_disable();
	svm_clgi();
	WRITE_ONCE(vcpu->guest_cpu, cpu);
	smp_mb();
	if (hx_vcpu_entry_cancelled(vcpu)) {
		WRITE_ONCE(vcpu->guest_cpu, -1);
		svm_stgi();
		local_irq_enable();
		memset(exit, 0, sizeof(*exit));
		exit->kind = HX_EXIT_CONTINUE;
		return 0;
	}
	/*
	 * The guest's DR0-3 only now, past the last way out above, with
	 * IRQs and GIF off; host breakpoints off first, so that none fires
	 * at a guest address on the way in (#VMEXIT sets DR7 = 0x400 again).
	 */
	if ((dr7 & 0xff) && memcmp(dr, sv->dr, sizeof(dr)))
		set_debugreg(0x400, 7);
	svm_switch_dr03(dr, sv->dr);
	svm_vmrun_asm(sv->vmcb_pa, page_to_phys(sc->host_vmcb), &vcpu->regs);
	WRITE_ONCE(vcpu->guest_cpu, -1);
	get_debugreg(sv->dr[0], 0);
	get_debugreg(sv->dr[1], 1);
	get_debugreg(sv->dr[2], 2);
	get_debugreg(sv->dr[3], 3);
	/* #VMEXIT leaves DR7 = 0x400 [APM 15.5.1]: restore host breakpoints. */
	svm_switch_dr03(sv->dr, dr);
	set_debugreg(dr6, 6);
	if (dr7 != 0x400)
		set_debugreg(dr7, 7);
	svm_stgi();
	local_irq_enable();	/* host interrupts that caused the exit run here */

	vcpu->regs.rax = vmcb->save.rax;
	vcpu->regs.rsp = vmcb->save.rsp;
	vcpu->regs.rip = vmcb->save.rip;
	vcpu->regs.rflags = vmcb->save.rflags;
	vmcb->control.event_inj = 0;
	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	vmcb->control.clean = 0;
	svm_reinject(vmcb);
	svm_decode_exit(vcpu, vmcb, exit);
	if (exit->kind == HX_EXIT_FAIL_ENTRY)
		exit->info1 = svm_explain_invalid(vcpu, vmcb);
	return 0;
}

/* --- registers --------------------------------------------------------- */

static void seg_get(const struct vmcb_seg *v, struct hxen_segment *s)
{
	s->selector = v->selector;
	s->base = v->base;
	s->limit = v->limit;
	s->type = v->attrib & 0xf;
	s->s = (v->attrib >> 4) & 1;
	s->dpl = (v->attrib >> 5) & 3;
	s->present = (v->attrib >> 7) & 1;
	s->avl = (v->attrib >> 8) & 1;
	s->l = (v->attrib >> 9) & 1;
	s->db = (v->attrib >> 10) & 1;
	s->g = (v->attrib >> 11) & 1;
	s->unusable = !s->present;
	s->padding = 0;
}

static void seg_put(struct vmcb_seg *v, const struct hxen_segment *s)
{
	v->selector = s->selector;
	v->base = s->base;
	v->limit = s->limit;
	v->attrib = (s->type & 0xf) | ((s->s & 1) << 4) | ((s->dpl & 3) << 5) |
		    ((s->present & 1) << 7) | ((s->avl & 1) << 8) |
		    ((s->l & 1) << 9) | ((s->db & 1) << 10) | ((s->g & 1) << 11);
	if (s->unusable)
		v->attrib &= ~SEG_P;
}

static void svm_get_sregs(struct hx_vcpu *vcpu, struct hxen_sregs *s)
{
	struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;

	seg_get(&v->cs, &s->cs);
	seg_get(&v->ds, &s->ds);
	seg_get(&v->es, &s->es);
	seg_get(&v->fs, &s->fs);
	seg_get(&v->gs, &s->gs);
	seg_get(&v->ss, &s->ss);
	seg_get(&v->tr, &s->tr);
	seg_get(&v->ldtr, &s->ldt);
	/* The CPL lives in its own VMCB field; report it as SS.DPL. */
	s->ss.dpl = v->cpl;
	s->gdt.base = v->gdtr.base;
	s->gdt.limit = v->gdtr.limit;
	s->idt.base = v->idtr.base;
	s->idt.limit = v->idtr.limit;
	memset(s->gdt.padding, 0, sizeof(s->gdt.padding));
	memset(s->idt.padding, 0, sizeof(s->idt.padding));
	s->cr0 = v->cr0;
	s->cr2 = v->cr2;
	s->cr3 = v->cr3;
	s->cr4 = v->cr4;
	s->cr8 = to_svm(vcpu)->vmcb->control.int_ctl & V_TPR_MASK;
	s->efer = v->efer & ~EFER_SVME;
}

static int svm_set_sregs(struct hx_vcpu *vcpu, const struct hxen_sregs *s)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;

	/* VMRUN's consistency checks catch the rest (then FAIL_ENTRY). */
	if (s->efer & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return -EINVAL;
	if ((s->cr0 >> 32) || (s->cr4 >> 32) || s->cr8 > 15)
		return -EINVAL;
	seg_put(&v->cs, &s->cs);
	seg_put(&v->ds, &s->ds);
	seg_put(&v->es, &s->es);
	seg_put(&v->fs, &s->fs);
	seg_put(&v->gs, &s->gs);
	seg_put(&v->ss, &s->ss);
	seg_put(&v->tr, &s->tr);
	seg_put(&v->ldtr, &s->ldt);
	v->cpl = s->ss.dpl & 3;
	v->gdtr.base = s->gdt.base;
	v->gdtr.limit = s->gdt.limit;
	v->idtr.base = s->idt.base;
	v->idtr.limit = s->idt.limit;
	v->cr0 = s->cr0;
	v->cr2 = s->cr2;
	v->cr3 = s->cr3;
	v->cr4 = s->cr4;
	v->efer = s->efer | EFER_SVME;
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) | (s->cr8 & V_TPR_MASK);
	vmcb->control.clean = 0;
	return 0;
}

static u64 *svm_msr_slot(struct vmcb_save_area *v, u32 index)
{
	switch (index) {
	case HX_MSR_STAR:		return &v->star;
	case HX_MSR_LSTAR:		return &v->lstar;
	case HX_MSR_CSTAR:		return &v->cstar;
	case HX_MSR_SFMASK:		return &v->sfmask;
	case HX_MSR_KERNEL_GS_BASE:	return &v->kernel_gs_base;
	case HX_MSR_SYSENTER_CS:	return &v->sysenter_cs;
	case HX_MSR_SYSENTER_ESP:	return &v->sysenter_esp;
	case HX_MSR_SYSENTER_EIP:	return &v->sysenter_eip;
	case HX_MSR_FS_BASE:		return &v->fs.base;
	case HX_MSR_GS_BASE:		return &v->gs.base;
	case HX_MSR_PAT:		return &v->g_pat;
	default:			return NULL;
	}
}

static int svm_get_msr(struct hx_vcpu *vcpu, u32 index, u64 *val)
{
	struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;
	u64 *p;

	if (index == HX_MSR_EFER) {
		*val = v->efer & ~EFER_SVME;
		return 0;
	}
	p = svm_msr_slot(v, index);
	if (!p)
		return -ENOENT;
	*val = *p;
	return 0;
}

static int svm_set_msr(struct hx_vcpu *vcpu, u32 index, u64 val)
{
	struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;
	u64 *p;

	if (index == HX_MSR_EFER) {
		v->efer = val | EFER_SVME;
		return 0;
	}
	p = svm_msr_slot(v, index);
	if (!p)
		return -ENOENT;
	*p = val;
	return 0;
}

static void svm_set_tsc_offset(struct hx_vcpu *vcpu, s64 offset)
{
	to_svm(vcpu)->vmcb->control.tsc_offset = offset;
}

/* --- events ------------------------------------------------------------ */

static bool svm_irq_window_open(struct hx_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	return (vcpu->regs.rflags & X86_EFLAGS_IF) &&
	       !(vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK) &&
	       !(vmcb->control.event_inj & SVM_EVTINJ_VALID);
}

static void svm_inject_irq(struct hx_vcpu *vcpu, u8 vector)
{
	to_svm(vcpu)->vmcb->control.event_inj =
		vector | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
}

static void svm_inject_exception(struct hx_vcpu *vcpu, u8 vector, bool has_err, u32 err)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	/* Real mode pushes no error code [APM 15.20]. */
	if (!(vmcb->save.cr0 & X86_CR0_PE))
		has_err = false;
	vmcb->control.event_inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
				  (has_err ? SVM_EVTINJ_VALID_ERR : 0);
	vmcb->control.event_inj_err = err;
}

/* V_IRQ + VINTR intercept: #VMEXIT as soon as the guest could take an IRQ. */
static void svm_request_irq_window(struct hx_vcpu *vcpu, bool on)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	if (on) {
		vmcb->control.int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK;
		svm_set_intercept(vmcb, INTERCEPT_VINTR);
	} else {
		vmcb->control.int_ctl &= ~(V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK);
		svm_clr_intercept(vmcb, INTERCEPT_VINTR);
	}
}

/*
 * A virtual interrupt the CPU takes by itself when guest IF=1 and no
 * shadow [APM 15.21.4]: V_IRQ with the vector, the TPR check off, and
 * no VINTR intercept (which would exit instead of delivering).  The CPU
 * clears V_IRQ when it takes the interrupt; run.c offers it again at the
 * next entry while it is still pending.
 */
static void svm_offer_irq(struct hx_vcpu *vcpu, u8 vector)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	vmcb->control.int_vector = vector;
	vmcb->control.int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK;
	svm_clr_intercept(vmcb, INTERCEPT_VINTR);
}

/*
 * The CPU clears V_IRQ when it takes the virtual interrupt, and #VMEXIT
 * writes int_ctl back [APM 15.21.4].  One taken but cut short by the exit
 * is in EXITINTINFO as an INTR event and re-injected by svm_reinject().
 */
static bool svm_offer_taken(struct hx_vcpu *vcpu)
{
	return !(to_svm(vcpu)->vmcb->control.int_ctl & V_IRQ_MASK);
}

static void svm_clear_int_shadow(struct hx_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

static u32 svm_get_cpl(struct hx_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cpl;
}

/* --- nested paging entries: plain x86 PTEs, user bit set [APM 15.25.5] -- */

static u64 svm_npt_table_pte(u64 hpa)
{
	return hpa | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
}

static u64 svm_npt_leaf_pte(u64 hpa, u32 prot)
{
	u64 pte = hpa | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if (prot & HX_PROT_W)
		pte |= _PAGE_RW | _PAGE_DIRTY;
	if (!(prot & HX_PROT_X) && boot_cpu_has(X86_FEATURE_NX))
		pte |= _PAGE_NX;
	return pte;
}

/* --- save/restore: event, shadow, debug registers [APM 15.20, 15.21] ----- */

static void svm_get_vstate(struct hx_vcpu *vcpu, struct hxen_vcpu_state *st)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u32 inj = vmcb->control.event_inj;

	st->event_valid = !!(inj & SVM_EVTINJ_VALID);
	if (st->event_valid) {
		st->event_type = (inj & SVM_EVTINJ_TYPE_MASK) >> SVM_EVTINJ_TYPE_SHIFT;
		st->event_vector = inj & SVM_EVTINJ_VEC_MASK;
		st->event_has_error = !!(inj & SVM_EVTINJ_VALID_ERR);
		st->event_error = st->event_has_error ? vmcb->control.event_inj_err : 0;
	}
	st->int_shadow = !!(vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK);
	BUILD_BUG_ON(sizeof(st->dr) != 4 * sizeof(u64));
	for (int i = 0; i < 4; i++)
		st->dr[i] = to_svm(vcpu)->dr[i];
	st->dr6 = vmcb->save.dr6;
	st->dr7 = vmcb->save.dr7;
}

static void svm_set_vstate(struct hx_vcpu *vcpu, const struct hxen_vcpu_state *st)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	vmcb->control.event_inj = 0;
	if (st->event_valid) {
		vmcb->control.event_inj = st->event_vector | SVM_EVTINJ_VALID |
			((u32)st->event_type << SVM_EVTINJ_TYPE_SHIFT) |
			(st->event_has_error ? SVM_EVTINJ_VALID_ERR : 0);
		vmcb->control.event_inj_err = st->event_error;
	}
	vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	if (st->int_shadow)
		vmcb->control.int_state |= SVM_INTERRUPT_SHADOW_MASK;
	for (int i = 0; i < 4; i++)
		to_svm(vcpu)->dr[i] = st->dr[i];
	vmcb->save.dr6 = st->dr6;
	vmcb->save.dr7 = st->dr7;
	vmcb->control.clean = 0;
}

const struct hx_backend_ops svm_backend_ops = {
	.name = "svm",
	.backend = HXEN_BACKEND_SVM,
	.probe = svm_probe,
	.hw_setup = svm_hw_setup,
	.hw_teardown = svm_hw_teardown,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.vcpu_create = svm_vcpu_create,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_run = svm_vcpu_run,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.set_tsc_offset = svm_set_tsc_offset,
	.irq_window_open = svm_irq_window_open,
	.inject_irq = svm_inject_irq,
	.inject_exception = svm_inject_exception,
	.request_irq_window = svm_request_irq_window,
	.offer_irq = svm_offer_irq,
	.offer_taken = svm_offer_taken,
	.clear_int_shadow = svm_clear_int_shadow,
	.get_cpl = svm_get_cpl,
	.npt_table_pte = svm_npt_table_pte,
	.npt_leaf_pte = svm_npt_leaf_pte,
	.npt_present_mask = _PAGE_PRESENT,
	.npt_addr_mask = 0x000ffffffffff000ULL,
	.npt_levels = 4,	/* hx_main.c uses caps.paging_levels */
	.get_vstate = svm_get_vstate,
	.set_vstate = svm_set_vstate,
};
