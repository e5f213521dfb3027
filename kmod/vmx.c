// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VMX backend of hxen.ko: probing, VMXON/VMXOFF per CPU, the VMCS of
 * each vCPU and the world switch.  Guest state accessors are in
 * vmx_state.c, exit decoding in vmx_exit.c, the capability negotiation in
 * vmx_caps.c, the entry stub in vmx_entry.S.
 * Mirrors svm.c function for function (svm_X <-> vmx_X).
 *
 * References: Intel SDM vol. 3C chapters 23-31 (VMX), appendix A
 * (capability MSRs) and B (field encodings).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/bitmap.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/desc.h>
#include <asm/segment.h>
#include <asm/tlbflush.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/tsc.h>
#include "hx_vm.h"
#include "hx_msr.h"
#include "vmx.h"

struct vmx_config vmx_cfg;

/* Per-CPU VMX state: the VMXON region and the VMCS currently loaded. */
struct vmx_pcpu {
	struct page *vmxon;
	bool on;
	struct vmx_vcpu *current_vmcs;
};
static DEFINE_PER_CPU(struct vmx_pcpu, vmx_pcpu);

/*
 * VMX-preemption timer value for one guest run (0: timer not in use):
 * ~200 us of TSC time, i.e. at most ~5000 extra exits a second.
 */
#define VMX_WATCHDOG_US	200
static u32 vmx_watchdog_ticks;

/* IA32_DEBUGCTL readable (Bochs has none): probed once. */
static bool vmx_has_debugctl;

/* One MSR bitmap page shared by every VMCS: all ones, every MSR exits. */
static struct page *vmx_msr_bitmap;

/* VPIDs 1..VMX_NR_VPIDS-1 (0 is the host's). */
#define VMX_NR_VPIDS	4096
static DECLARE_BITMAP(vmx_vpids, VMX_NR_VPIDS);
static DEFINE_SPINLOCK(vmx_vpid_lock);

/* ------------------------------------------------------------------ */
/* probe                                                              */
/* ------------------------------------------------------------------ */

static int vmx_read_caps(struct vmx_cap_msrs *m)
{
	static const struct { u32 msr; size_t off; } rd[] = {
		{ MSR_VMX_BASIC, offsetof(struct vmx_cap_msrs, basic) },
		{ MSR_VMX_PINBASED_CTLS, offsetof(struct vmx_cap_msrs, pin) },
		{ MSR_VMX_PROCBASED_CTLS, offsetof(struct vmx_cap_msrs, proc) },
		{ MSR_VMX_EXIT_CTLS, offsetof(struct vmx_cap_msrs, exit) },
		{ MSR_VMX_ENTRY_CTLS, offsetof(struct vmx_cap_msrs, entry) },
		{ MSR_VMX_MISC, offsetof(struct vmx_cap_msrs, misc) },
		{ MSR_VMX_CR0_FIXED0, offsetof(struct vmx_cap_msrs, cr0_fixed0) },
		{ MSR_VMX_CR0_FIXED1, offsetof(struct vmx_cap_msrs, cr0_fixed1) },
		{ MSR_VMX_CR4_FIXED0, offsetof(struct vmx_cap_msrs, cr4_fixed0) },
		{ MSR_VMX_CR4_FIXED1, offsetof(struct vmx_cap_msrs, cr4_fixed1) },
	};
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < ARRAY_SIZE(rd); i++)
		if (rdmsrl_safe(rd[i].msr, (u64 *)((char *)m + rd[i].off)))
			return -EIO;
	if (m->basic & VMX_BASIC_TRUE_CTLS) {
		if (rdmsrl_safe(MSR_VMX_TRUE_PINBASED_CTLS, &m->true_pin) ||
		    rdmsrl_safe(MSR_VMX_TRUE_PROCBASED_CTLS, &m->true_proc) ||
		    rdmsrl_safe(MSR_VMX_TRUE_EXIT_CTLS, &m->true_exit) ||
		    rdmsrl_safe(MSR_VMX_TRUE_ENTRY_CTLS, &m->true_entry))
			return -EIO;
	}
	/* PROCBASED_CTLS2 and EPT_VPID_CAP exist only when advertised. */
	if ((m->proc >> 32) & PROC_SECONDARY) {
		if (rdmsrl_safe(MSR_VMX_PROCBASED_CTLS2, &m->proc2))
			return -EIO;
		if (((m->proc2 >> 32) & (PROC2_EPT | PROC2_VPID)) &&
		    rdmsrl_safe(MSR_VMX_EPT_VPID_CAP, &m->ept_vpid))
			return -EIO;
	}
	return 0;
}

static int vmx_probe(struct hxen_caps *caps)
{
	struct vmx_cap_msrs m;
	struct vmx_caps_msgs msgs;
	const char *why;
	u64 fc = 0, set;
	unsigned int i;
	size_t n = 0;

	if (!(cpuid_ecx(1) & (1U << 5))) {
		strscpy(caps->reason, "this CPU has no VMX (Intel VT-x)",
			sizeof(caps->reason));
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_FEATURE_CONTROL, &fc) == 0) {
		why = vmx_feature_control_check(fc, &set);
		if (why) {
			pr_err("hxen: %s\n", why);
			strscpy(caps->reason, why, sizeof(caps->reason));
			return -EPERM;
		}
	}
	if (vmx_read_caps(&m)) {
		strscpy(caps->reason, "cannot read the VMX capability MSRs",
			sizeof(caps->reason));
		return -ENODEV;
	}
	if (vmx_negotiate(&m, &vmx_cfg, &msgs)) {
		caps->reason[0] = 0;
		for (i = 0; i < msgs.nr && i < VMX_MSG_MAX; i++) {
			pr_err("hxen: %s\n", msgs.text[i]);
			if (n < sizeof(caps->reason))
				n += scnprintf(caps->reason + n,
					       sizeof(caps->reason) - n, "%s%s",
					       i ? "; " : "", msgs.text[i]);
		}
		return -ENODEV;
	}
	vmx_compute_cr_masks();
	if (vmx_cfg.pin & PIN_PREEMPT_TIMER) {
		u64 t = ((u64)(tsc_khz ? tsc_khz : 1000000) * VMX_WATCHDOG_US / 1000) >>
			VMX_MISC_PREEMPT_SHIFT(m.misc);

		vmx_watchdog_ticks = clamp_t(u64, t, 1, U32_MAX);
	}
	vmx_has_debugctl = !rdmsrl_safe(MSR_IA32_DEBUGCTLMSR, &fc);
	caps->features |= HXEN_CAP_EPT | HXEN_CAP_VPID | HXEN_CAP_UNRESTRICTED;
	if (m.ept_vpid & VMX_EPT_CAP_2M)
		caps->features |= HXEN_CAP_NPT_2M;
	caps->nr_asids = VMX_NR_VPIDS - 1;
	caps->paging_levels = 4;
	return 0;
}

/* ------------------------------------------------------------------ */
/* VMXON / VMXOFF                                                     */
/* ------------------------------------------------------------------ */

static void vmx_hw_teardown(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_pcpu *p = per_cpu_ptr(&vmx_pcpu, cpu);

		if (p->vmxon)
			__free_page(p->vmxon);
		p->vmxon = NULL;
	}
	if (vmx_msr_bitmap)
		__free_page(vmx_msr_bitmap);
	vmx_msr_bitmap = NULL;
}

static int vmx_hw_setup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_pcpu *p = per_cpu_ptr(&vmx_pcpu, cpu);

		p->vmxon = alloc_pages_node(cpu_to_node(cpu),
					    GFP_KERNEL | __GFP_ZERO, 0);
		if (!p->vmxon)
			goto nomem;
		*(u32 *)page_address(p->vmxon) = vmx_cfg.revision;
	}
	vmx_msr_bitmap = alloc_page(GFP_KERNEL);
	if (!vmx_msr_bitmap)
		goto nomem;
	memset(page_address(vmx_msr_bitmap), 0xff, PAGE_SIZE);
	return 0;
nomem:
	vmx_hw_teardown();
	return -ENOMEM;
}

static bool vmx_fixed_ok(u64 val, u64 fixed0, u64 fixed1)
{
	return (val & fixed0) == fixed0 && !(val & ~fixed1);
}

/* Runs on every CPU with IRQs off. */
static int vmx_cpu_enable(void)
{
	struct vmx_pcpu *p = this_cpu_ptr(&vmx_pcpu);
	u64 fc, set;

	/* kvm_intel, VirtualBox ...: hx_main.c names them in the refusal. */
	if (__read_cr4() & X86_CR4_VMXE)
		return -EBUSY;
	if (rdmsrl_safe(MSR_FEATURE_CONTROL, &fc))
		return -EIO;
	if (vmx_feature_control_check(fc, &set))
		return -EPERM;
	if (set && wrmsrl_safe(MSR_FEATURE_CONTROL, fc | set))
		return -EIO;
	if (!vmx_fixed_ok(read_cr0(), vmx_cfg.cr0_fixed0, vmx_cfg.cr0_fixed1) ||
	    !vmx_fixed_ok(__read_cr4() | X86_CR4_VMXE, vmx_cfg.cr4_fixed0,
			  vmx_cfg.cr4_fixed1)) {
		pr_err("hxen: cpu%d: host CR0/CR4 do not satisfy the VMX fixed bits\n",
		       smp_processor_id());
		return -EIO;
	}
	cr4_set_bits(X86_CR4_VMXE);
	if (vmx_vmxon(page_to_phys(p->vmxon))) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err("hxen: cpu%d: VMXON failed\n", smp_processor_id());
		return -EIO;
	}
	p->on = true;
	p->current_vmcs = NULL;
	/* Nothing cached from an earlier VMX session may survive. */
	if (vmx_cfg.ept_vpid & VMX_EPT_CAP_INVEPT_ALL)
		vmx_invept(VMX_INVEPT_ALL, 0);
	if (vmx_cfg.ept_vpid & VMX_VPID_CAP_INVVPID_ALL)
		vmx_invvpid(VMX_INVVPID_ALL, 0, 0);
	return 0;
}

static void vmx_cpu_disable(void)
{
	struct vmx_pcpu *p = this_cpu_ptr(&vmx_pcpu);

	if (!p->on)
		return;
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	p->on = false;
	p->current_vmcs = NULL;
}

/* ------------------------------------------------------------------ */
/* VMs                                                                */
/* ------------------------------------------------------------------ */

static int vmx_vm_init(struct hx_vm *vm)
{
	vm->arch = NULL;
	return 0;
}

static void vmx_flush_eptp(void *eptp)
{
	if (!this_cpu_ptr(&vmx_pcpu)->on)
		return;
	if (vmx_cfg.invept_single)
		vmx_invept(VMX_INVEPT_SINGLE, *(u64 *)eptp);
	else
		vmx_invept(VMX_INVEPT_ALL, 0);
}

static u64 vmx_vm_eptp(struct hx_vm *vm)
{
	return vmx_eptp(vm->npt.root_pa, false);
}

/* The EPT root may be reused by the next VM: drop cached translations. */
static void vmx_vm_destroy(struct hx_vm *vm)
{
	u64 eptp = vmx_vm_eptp(vm);

	if (vm->npt.root_pa)
		on_each_cpu(vmx_flush_eptp, &eptp, 1);
}

/* ------------------------------------------------------------------ */
/* VMCS loading (per CPU)                                             */
/* ------------------------------------------------------------------ */

/* On the CPU where @info's VMCS is active: flush it to memory. */
static void vmx_clear_here(void *info)
{
	struct vmx_vcpu *vx = info;
	struct vmx_pcpu *p = this_cpu_ptr(&vmx_pcpu);

	if (p->on)
		vmx_vmclear(vx->vmcs_pa);
	if (p->current_vmcs == vx)
		p->current_vmcs = NULL;
	vx->cpu = -1;
	vx->launched = false;
}

static void vmx_clear(struct vmx_vcpu *vx)
{
	int cpu = vx->cpu;

	if (cpu < 0)
		return;
	if (cpu == smp_processor_id())
		vmx_clear_here(vx);
	else
		smp_call_function_single(cpu, vmx_clear_here, vx, 1);
}

struct vmx_desc_ptr {
	u16 limit;
	u64 base;
} __packed;

/* Host state that is per CPU (written when the VMCS moves to a CPU). */
static void vmx_set_host_pcpu(void)
{
	struct vmx_desc_ptr gdt, idt;
	int cpu = smp_processor_id();
	u64 v;

	asm volatile("sgdt %0" : "=m" (gdt));
	asm volatile("sidt %0" : "=m" (idt));
	vmcs_write(VMCS_HOST_GDTR_BASE, gdt.base);
	vmcs_write(VMCS_HOST_IDTR_BASE, idt.base);
	vmcs_write(VMCS_HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(VMCS_HOST_GS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write(VMCS_HOST_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(VMCS_HOST_SYSENTER_ESP, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_write(VMCS_HOST_SYSENTER_EIP, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(VMCS_HOST_EFER, v);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmcs_write(VMCS_HOST_PAT, v);
	vmcs_write(VMCS_HOST_CR0, read_cr0());
}

/*
 * Make @vx's VMCS current on this CPU (preemption disabled, IRQs on).  A
 * vCPU thread that moved: VMCLEAR on the old CPU, VMPTRLD here, reload
 * the per-CPU host state and flush this VM's EPT and VPID translations
 * (they may be stale here from an earlier stint).
 */
static int vmx_load(struct vmx_vcpu *vx)
{
	struct vmx_pcpu *p = this_cpu_ptr(&vmx_pcpu);
	int cpu = smp_processor_id();

	if (!p->on)
		return -EIO;
	if (vx->cpu == cpu) {
		if (p->current_vmcs != vx) {
			if (vmx_vmptrld(vx->vmcs_pa))
				return -EIO;
			p->current_vmcs = vx;
		}
		return 0;
	}
	vmx_clear(vx);
	if (vmx_vmptrld(vx->vmcs_pa))
		return -EIO;
	p->current_vmcs = vx;
	vx->cpu = cpu;
	vx->launched = false;
	vmx_set_host_pcpu();
	vmx_flush_eptp(&(u64){ vmx_vm_eptp(vx->vcpu->vm) });
	if (vmx_cfg.invvpid_single)
		vmx_invvpid(VMX_INVVPID_SINGLE, vx->vpid, 0);
	else
		vmx_invvpid(VMX_INVVPID_ALL, 0, 0);
	return 0;
}

/* Accessors outside vcpu_run: pin the thread while the VMCS is in use. */
struct vmx_vcpu *vmx_get(struct hx_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	preempt_disable();
	if (vmx_load(vx))
		pr_warn_once("hxen: cannot load the VMCS of vcpu %u\n", vcpu->id);
	return vx;
}

void vmx_put(void)
{
	preempt_enable();
}

/* ------------------------------------------------------------------ */
/* vCPUs                                                              */
/* ------------------------------------------------------------------ */

static int vmx_vpid_alloc(void)
{
	int id;

	spin_lock(&vmx_vpid_lock);
	id = find_next_zero_bit(vmx_vpids, VMX_NR_VPIDS, 1);
	if (id < VMX_NR_VPIDS)
		__set_bit(id, vmx_vpids);
	spin_unlock(&vmx_vpid_lock);
	return id < VMX_NR_VPIDS ? id : -ENOSPC;
}

static void vmx_vpid_free(u16 id)
{
	spin_lock(&vmx_vpid_lock);
	__clear_bit(id, vmx_vpids);
	spin_unlock(&vmx_vpid_lock);
}

/* Fields written once per VMCS; the VMCS is current on this CPU. */
static int vmx_init_vmcs(struct vmx_vcpu *vx)
{
	bool fail = false;

	fail |= vmcs_write(VMCS_VPID, vx->vpid);
	fail |= vmcs_write(VMCS_LINK_POINTER, ~0ULL);
	fail |= vmcs_write(VMCS_EPTP, vmx_vm_eptp(vx->vcpu->vm));
	fail |= vmcs_write(VMCS_PIN_CTLS, vmx_cfg.pin);
	fail |= vmcs_write(VMCS_PROC_CTLS, vmx_cfg.proc);
	fail |= vmcs_write(VMCS_PROC2_CTLS, vmx_cfg.proc2);
	fail |= vmcs_write(VMCS_EXIT_CTLS, vmx_cfg.exit);
	fail |= vmcs_write(VMCS_ENTRY_CTLS, vmx_cfg.entry);
	fail |= vmcs_write(VMCS_EXCEPTION_BITMAP, 0);
	fail |= vmcs_write(VMCS_PF_ERR_MASK, 0);
	fail |= vmcs_write(VMCS_PF_ERR_MATCH, 0);
	fail |= vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	fail |= vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	fail |= vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	fail |= vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	fail |= vmcs_write(VMCS_MSR_BITMAP, page_to_phys(vmx_msr_bitmap));
	fail |= vmcs_write(VMCS_TSC_OFFSET, 0);
	fail |= vmcs_write(VMCS_CR0_MASK, vmx_cr0_mask);
	fail |= vmcs_write(VMCS_CR4_MASK, vmx_cr4_mask);
	/* Host state that never changes; the rest is per CPU / per entry. */
	fail |= vmcs_write(VMCS_HOST_CS_SEL, __KERNEL_CS);
	fail |= vmcs_write(VMCS_HOST_SS_SEL, __KERNEL_DS);
	fail |= vmcs_write(VMCS_HOST_DS_SEL, 0);
	fail |= vmcs_write(VMCS_HOST_ES_SEL, 0);
	fail |= vmcs_write(VMCS_HOST_FS_SEL, 0);
	fail |= vmcs_write(VMCS_HOST_GS_SEL, 0);
	fail |= vmcs_write(VMCS_HOST_TR_SEL, GDT_ENTRY_TSS * 8);
	fail |= vmcs_write(VMCS_HOST_RIP, (unsigned long)vmx_vmexit);
	vmx_reset_guest(vx);
	return fail ? -EIO : 0;
}

static int vmx_vcpu_create(struct hx_vcpu *vcpu)
{
	struct vmx_vcpu *vx;
	struct page *pg;
	int vpid, ret;

	vx = kzalloc(sizeof(*vx), GFP_KERNEL);
	if (!vx)
		return -ENOMEM;
	pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	vpid = vmx_vpid_alloc();
	if (!pg || vpid < 0) {
		ret = pg ? -EBUSY : -ENOMEM;
		goto fail;
	}
	vx->vcpu = vcpu;
	vx->vmcs = page_address(pg);
	vx->vmcs_pa = page_to_phys(pg);
	*(u32 *)vx->vmcs = vmx_cfg.revision;
	vx->vpid = vpid;
	vx->cpu = -1;
	vcpu->arch = vx;

	preempt_disable();
	/* A new VMCS is VMCLEARed before its first VMPTRLD (SDM 24.11.3). */
	ret = vmx_vmclear(vx->vmcs_pa) ? -EIO : vmx_load(vx);
	if (!ret)
		ret = vmx_init_vmcs(vx);
	if (ret) {
		pr_err("hxen: VMCS setup failed (VM-instruction error %llu)\n",
		       vmcs_read(VMCS_INSN_ERROR));
		vmx_clear(vx);
	}
	preempt_enable();
	if (ret) {
		vcpu->arch = NULL;
		goto fail;
	}
	return 0;
fail:
	if (vpid > 0)
		vmx_vpid_free(vpid);
	if (pg)
		__free_page(pg);
	kfree(vx);
	return ret;
}

static void vmx_vcpu_destroy(struct hx_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	if (!vx)
		return;
	preempt_disable();
	vmx_clear(vx);
	preempt_enable();
	vmx_vpid_free(vx->vpid);
	free_page((unsigned long)vx->vmcs);
	kfree(vx);
	vcpu->arch = NULL;
}

/* ------------------------------------------------------------------ */
/* The world switch                                                   */
/* ------------------------------------------------------------------ */

/* Host state that is saved and restored around one entry (IRQs off). */
struct vmx_host_save {
	struct vmx_desc_ptr gdt, idt;
	u16 ds, es, fs, gs;
	u64 fs_base;
	u64 msrs[VMX_NR_SWITCHED];
	unsigned long dr7;
	u64 debugctl;
};

static void vmx_switch_to_guest(struct vmx_vcpu *vx, struct vmx_host_save *h)
{
	unsigned int i;

	asm volatile("sgdt %0" : "=m" (h->gdt));
	asm volatile("sidt %0" : "=m" (h->idt));
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	rdmsrl(MSR_FS_BASE, h->fs_base);
	vmcs_write(VMCS_HOST_FS_BASE, h->fs_base);
	vmcs_write(VMCS_HOST_CR3, __read_cr3());
	vmcs_write(VMCS_HOST_CR4, __read_cr4());
	h->dr7 = native_get_debugreg(7);
	h->debugctl = 0;
	if (vmx_has_debugctl)
		rdmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);

	/* SYSCALL MSRs and KERNEL_GS_BASE are not in the VMCS (SDM 27.5). */
	for (i = 0; i < VMX_NR_SWITCHED; i++) {
		rdmsrl(vmx_switched_msrs[i], h->msrs[i]);
		wrmsrl(vmx_switched_msrs[i], vx->msrs[i]);
	}
}

/*
 * After a VM exit (SDM 27.5): GDTR/IDTR limits are 0xffff, the TR limit
 * 0x67, DS/ES/FS/GS hold the host-state selectors (0), DR7 is 0x400 and
 * DEBUGCTL 0.  Put back what Linux expects.
 */
static void vmx_switch_to_host(struct vmx_vcpu *vx, struct vmx_host_save *h)
{
	unsigned int i;

	asm volatile("lgdt %0" : : "m" (h->gdt));
	asm volatile("lidt %0" : : "m" (h->idt));
	invalidate_tss_limit();
	if (h->ds)
		loadsegment(ds, h->ds);
	if (h->es)
		loadsegment(es, h->es);
	if (h->fs) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (h->gs)
		load_gs_index(h->gs);

	/* The guest's SWAPGS changes KERNEL_GS_BASE without an exit. */
	rdmsrl(MSR_KERNEL_GS_BASE, vx->msrs[VMX_SW_KERNEL_GS_BASE]);
	for (i = 0; i < VMX_NR_SWITCHED; i++)
		wrmsrl(vmx_switched_msrs[i], h->msrs[i]);
	if (h->dr7 & 0xff)		/* L0-3/G0-3 */
		native_set_debugreg(7, h->dr7);
	if (h->debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
}

/*
 * An event being delivered when the exit happened (IDT-vectoring info,
 * SDM 27.2.4) must be delivered again on the next entry (SDM 28.2.1.1
 * for what counts as an event, 26.6 for injection).
 */
static void vmx_reinject(void)
{
	u32 info = vmcs_read(VMCS_IDT_VECT_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	vmcs_write(VMCS_ENTRY_INTR_INFO, info & ~INTR_INFO_NMI_UNBLOCK);
	if (info & INTR_INFO_ERROR_VALID)
		vmcs_write(VMCS_ENTRY_EXC_ERROR, vmcs_read(VMCS_IDT_VECT_ERROR));
	if (INTR_INFO_TYPE(info) == INTR_TYPE_SW_INT ||
	    INTR_INFO_TYPE(info) == INTR_TYPE_SW_EXC ||
	    INTR_INFO_TYPE(info) == INTR_TYPE_PRIV_SW_EXC)
		vmcs_write(VMCS_ENTRY_INSN_LEN, vmcs_read(VMCS_EXIT_INSN_LEN));
}

static int vmx_vcpu_run(struct hx_vcpu *vcpu, struct hx_exit *exit)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct hx_vm *vm = vcpu->vm;
	int cpu = smp_processor_id();
	struct vmx_host_save h;
	bool reenter = false;
	u32 reason = 0;
	int failed, gen, ret;

	memset(exit, 0, sizeof(*exit));
	if (!this_cpu_ptr(&vmx_pcpu)->on) {
		/* A CPU that came online after VMX was switched on. */
		local_irq_disable();
		ret = vmx_cpu_enable();
		local_irq_enable();
		if (ret)
			return ret;
	}
	ret = vmx_load(vx);
	if (ret)
		return ret;
	gen = atomic_read(&vm->tlb_gen);
	if (gen != vcpu->tlb_gen) {
		vmx_flush_eptp(&(u64){ vmx_vm_eptp(vm) });
		vcpu->tlb_gen = gen;
	}
	vmcs_write(VMCS_GUEST_RSP, vcpu->regs.rsp);
	vmcs_write(VMCS_GUEST_RIP, vcpu->regs.rip);
	vmcs_write(VMCS_GUEST_RFLAGS, vcpu->regs.rflags | X86_EFLAGS_FIXED);
	if (vx->reload_pdptes)
		vmx_load_pdptes(vx);
	if (vmx_watchdog_ticks)
		vmcs_write(VMCS_PREEMPT_TIMER, vmx_watchdog_ticks);

	local_irq_disable();
	WRITE_ONCE(vcpu->guest_cpu, cpu);
	smp_mb();
	if (hx_vcpu_entry_cancelled(vcpu)) {
		WRITE_ONCE(vcpu->guest_cpu, -1);
		local_irq_enable();
		exit->kind = HX_EXIT_CONTINUE;
		return 0;
	}
	vmx_switch_to_guest(vx, &h);
	failed = vmx_vmenter(&vcpu->regs, &vx->cr2, vx->launched);
	vmx_switch_to_host(vx, &h);
	WRITE_ONCE(vcpu->guest_cpu, -1);
	if (!failed) {
		reason = vmcs_read(VMCS_EXIT_REASON);
		/* An NMI that caused the exit is the host's: raise it again. */
		if (VMX_EXIT_REASON_BASIC(reason) == VMX_EXIT_EXC_NMI &&
		    INTR_INFO_TYPE(vmcs_read(VMCS_EXIT_INTR_INFO)) == INTR_TYPE_NMI)
			asm volatile("int $2");
	}
	/* Pending host interrupts are taken here, through the host IDT. */
	local_irq_enable();

	vcpu->regs.rsp = vmcs_read(VMCS_GUEST_RSP);
	vcpu->regs.rip = vmcs_read(VMCS_GUEST_RIP);
	vcpu->regs.rflags = vmcs_read(VMCS_GUEST_RFLAGS);

	if (failed) {
		/* VMfailInvalid leaves no error number: 0 is reported. */
		exit->kind = HX_EXIT_FAIL_ENTRY;
		exit->code = ~0ULL;
		exit->info1 = vmcs_read(VMCS_INSN_ERROR);
		return 0;
	}
	if (reason & VMX_EXIT_REASON_FAILED_ENTRY) {
		exit->kind = HX_EXIT_FAIL_ENTRY;
		exit->code = reason;
		exit->info1 = vmcs_read(VMCS_EXIT_QUAL);
		return 0;
	}
	vx->launched = true;
	vmx_reinject();
	ret = vmx_handle_exit(vcpu, VMX_EXIT_REASON_BASIC(reason), exit, &reenter);
	if (!ret && reenter)
		exit->kind = HX_EXIT_CONTINUE;
	return ret;
}

/* ------------------------------------------------------------------ */
/* EPT entries for the shared builder (hx_npt.c)                      */
/* ------------------------------------------------------------------ */

static u64 vmx_npt_table_pte(u64 hpa)
{
	return vmx_ept_table(hpa);
}

static u64 vmx_npt_leaf_pte(u64 hpa, u32 prot)
{
	return vmx_ept_leaf(hpa, (prot & HX_PROT_R ? VMX_EPT_PERM_R : 0) |
				 (prot & HX_PROT_W ? VMX_EPT_PERM_W : 0) |
				 (prot & HX_PROT_X ? VMX_EPT_PERM_X : 0), false);
}

const struct hx_backend_ops vmx_backend_ops = {
	.name			= "vmx",
	.backend		= HXEN_BACKEND_VMX,
	.probe			= vmx_probe,
	.hw_setup		= vmx_hw_setup,
	.hw_teardown		= vmx_hw_teardown,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_vm_destroy,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_destroy		= vmx_vcpu_destroy,
	.vcpu_run		= vmx_vcpu_run,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.set_tsc_offset		= vmx_set_tsc_offset,
	.irq_window_open	= vmx_irq_window_open,
	.inject_irq		= vmx_inject_irq,
	.inject_exception	= vmx_inject_exception,
	.request_irq_window	= vmx_request_irq_window,
	.clear_int_shadow	= vmx_clear_int_shadow,
	.get_cpl		= vmx_get_cpl,
	.npt_table_pte		= vmx_npt_table_pte,
	.npt_leaf_pte		= vmx_npt_leaf_pte,
	.npt_present_mask	= EPT_R | EPT_W | EPT_X,
	.npt_addr_mask		= EPT_ADDR_MASK,
	.npt_levels		= 4,
	.get_vstate		= vmx_get_vstate,
	.set_vstate		= vmx_set_vstate,
};
