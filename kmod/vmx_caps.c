// SPDX-License-Identifier: GPL-2.0
/*
 * VMX control negotiation (host-independent; see vmx_caps.h).
 *
 * Each VMX control MSR reports in its low 32 bits the controls that must be
 * 1 ("allowed 0-settings" clear) and in its high 32 bits the controls that
 * may be 1 (SDM A.3-A.5).  When IA32_VMX_BASIC[55] is set, the TRUE_*
 * variants relax the "default1" bits (e.g. CR3-load exiting), which hxen
 * needs clear with EPT.
 */
#ifdef HX_USER
#include <stdio.h>
#include <string.h>
#else
#include <linux/kernel.h>
#include <linux/string.h>
#endif
#include "vmx_defs.h"
#include "vmx_caps.h"

#define REQ(c, n, b, s)	{ .cls = VMX_CTL_##c, .need = VMX_NEED_##n, .bit = b, .name = s }

/*
 * hxen's requirements.  Choices:
 *  - all port I/O exits (unconditional I/O exiting, no I/O bitmaps);
 *  - MSR bitmaps with every bit set: all RDMSR/WRMSR exit to the shared
 *    MSR table, no MSR is passed through;
 *  - no "acknowledge interrupt on exit": a host interrupt stays pending in
 *    the local APIC and is taken through the host IDT as soon as the run
 *    loop re-enables interrupts after the exit;
 *  - CR3 accesses and INVLPG do not exit (EPT); MOV CR8 exits (without a
 *    TPR shadow it would write the host's TPR); MOV DR exits so the guest
 *    never touches the host's debug registers;
 *  - RDTSCP, INVPCID and XSAVES stay disabled (#UD), matching the CPUID
 *    bits hx_cpuid.c hides;
 *  - the VMX-preemption timer, when offered, bounds every guest run as a
 *    watchdog: Bochs 2.7 delivers no external-interrupt exit while the
 *    guest runs with RFLAGS.IF=0, which would otherwise hang the host.
 */
const struct vmx_ctl_req vmx_ctl_table[] = {
	REQ(PIN, ON, PIN_EXT_INTR, "external-interrupt exiting"),
	REQ(PIN, ON, PIN_NMI, "NMI exiting"),
	REQ(PIN, OPTIONAL, PIN_PREEMPT_TIMER, "VMX-preemption timer"),
	REQ(PROC, ON, PROC_HLT, "HLT exiting"),
	REQ(PROC, ON, PROC_UNCOND_IO, "unconditional I/O exiting"),
	REQ(PROC, ON, PROC_MSR_BITMAPS, "MSR bitmaps"),
	REQ(PROC, ON, PROC_SECONDARY, "secondary processor-based controls"),
	REQ(PROC, ON, PROC_MOV_DR, "MOV-DR exiting"),
	REQ(PROC, ON, PROC_MWAIT, "MWAIT exiting"),
	REQ(PROC, ON, PROC_MONITOR, "MONITOR exiting"),
	REQ(PROC, ON, PROC_RDPMC, "RDPMC exiting"),
	REQ(PROC, DYNAMIC, PROC_INTR_WINDOW, "interrupt-window exiting"),
	REQ(PROC, OFF, PROC_CR3_LOAD, "CR3-load exiting"),
	REQ(PROC, OFF, PROC_CR3_STORE, "CR3-store exiting"),
	REQ(PROC, ON, PROC_CR8_LOAD, "CR8-load exiting"),
	REQ(PROC, ON, PROC_CR8_STORE, "CR8-store exiting"),
	REQ(PROC, ON, PROC_TSC_OFFSET, "TSC offsetting"),
	REQ(PROC, OFF, PROC_INVLPG, "INVLPG exiting"),
	REQ(PROC, OFF, PROC_RDTSC, "RDTSC exiting"),
	REQ(PROC, OFF, PROC_IO_BITMAPS, "I/O bitmaps"),
	REQ(PROC, OFF, PROC_TPR_SHADOW, "TPR shadow"),
	REQ(PROC2, ON, PROC2_EPT, "EPT"),
	REQ(PROC2, ON, PROC2_VPID, "VPID"),
	REQ(PROC2, ON, PROC2_UNRESTRICTED, "unrestricted guest"),
	/* hidden by hx_cpuid.c (TSC_AUX, IA32_XSS not switched): #UD */
	REQ(PROC2, OFF, PROC2_RDTSCP, "RDTSCP"),
	REQ(PROC2, OFF, PROC2_INVPCID, "INVPCID"),
	REQ(PROC2, OFF, PROC2_XSAVES, "XSAVES/XRSTORS"),
	REQ(EXIT, ON, EXIT_HOST_64, "64-bit host address space on VM exit"),
	REQ(EXIT, ON, EXIT_SAVE_EFER, "save IA32_EFER on VM exit"),
	REQ(EXIT, ON, EXIT_LOAD_EFER, "load IA32_EFER on VM exit"),
	REQ(EXIT, ON, EXIT_SAVE_PAT, "save IA32_PAT on VM exit"),
	REQ(EXIT, ON, EXIT_LOAD_PAT, "load IA32_PAT on VM exit"),
	REQ(EXIT, OPTIONAL, EXIT_SAVE_DEBUG, "save debug controls on VM exit"),
	REQ(EXIT, OFF, EXIT_ACK_INTR, "acknowledge interrupt on exit"),
	REQ(ENTRY, ON, ENTRY_LOAD_EFER, "load IA32_EFER on VM entry"),
	REQ(ENTRY, ON, ENTRY_LOAD_PAT, "load IA32_PAT on VM entry"),
	REQ(ENTRY, OPTIONAL, ENTRY_LOAD_DEBUG, "load debug controls on VM entry"),
	REQ(ENTRY, DYNAMIC, ENTRY_IA32E, "IA-32e mode guest"),
	REQ(ENTRY, OFF, ENTRY_SMM, "entry to SMM"),
	REQ(ENTRY, OFF, ENTRY_DUAL_MONITOR, "deactivate dual-monitor treatment"),
};
const unsigned int vmx_ctl_table_len = sizeof(vmx_ctl_table) /
				       sizeof(vmx_ctl_table[0]);

static const char *const vmx_ctl_class_name[VMX_CTL_NR] = {
	"pin-based", "primary processor-based", "secondary processor-based",
	"VM-exit", "VM-entry",
};

/*
 * Architecturally defined controls per class (SDM 24.6-24.8).  Other bits
 * are reserved; their "default1" ones are forced on harmlessly.
 */
static const __u32 vmx_ctl_defined[VMX_CTL_NR] = {
	0x000000e9, 0xfbfb9e8c, 0x0fffffff, 0x1ffc9204, 0x007fee04,
};

static void vmx_msg(struct vmx_caps_msgs *msgs, const char *fmt,
		    const char *a, unsigned int n)
{
	if (msgs->nr < VMX_MSG_MAX)
		snprintf(msgs->text[msgs->nr], VMX_MSG_LEN, fmt, a, n);
	msgs->nr++;
}

/* The capability MSR that governs @cls, honouring the TRUE variants. */
static __u64 vmx_ctl_msr(const struct vmx_cap_msrs *m, unsigned int cls)
{
	bool t = m->basic & VMX_BASIC_TRUE_CTLS;

	switch (cls) {
	case VMX_CTL_PIN:	return t ? m->true_pin : m->pin;
	case VMX_CTL_PROC:	return t ? m->true_proc : m->proc;
	case VMX_CTL_PROC2:	return m->proc2;
	case VMX_CTL_EXIT:	return t ? m->true_exit : m->exit;
	default:		return t ? m->true_entry : m->entry;
	}
}

/* Resolve one control class; problems are appended to @msgs. */
static __u32 vmx_resolve(const struct vmx_cap_msrs *m, unsigned int cls,
			 __u32 *dynamic, struct vmx_caps_msgs *msgs)
{
	__u64 msr = vmx_ctl_msr(m, cls);
	__u32 must1 = (__u32)msr, may1 = (__u32)(msr >> 32);
	__u32 val = must1, known = 0;
	unsigned int i;

	/* Without secondary controls the PROC2 MSR does not exist. */
	if (cls == VMX_CTL_PROC2 &&
	    !((__u32)(vmx_ctl_msr(m, VMX_CTL_PROC) >> 32) & PROC_SECONDARY))
		must1 = may1 = val = 0;

	*dynamic = 0;
	for (i = 0; i < vmx_ctl_table_len; i++) {
		const struct vmx_ctl_req *r = &vmx_ctl_table[i];

		if (r->cls != cls)
			continue;
		known |= r->bit;
		switch (r->need) {
		case VMX_NEED_ON:
		case VMX_NEED_DYNAMIC:
			if (!(may1 & r->bit)) {
				vmx_msg(msgs, "%s not supported", r->name, 0);
				break;
			}
			if (r->need == VMX_NEED_ON)
				val |= r->bit;
			else
				*dynamic |= r->bit;
			break;
		case VMX_NEED_OPTIONAL:
			if (may1 & r->bit)
				val |= r->bit;
			break;
		case VMX_NEED_OFF:
			if (must1 & r->bit)
				vmx_msg(msgs, "%s cannot be turned off", r->name, 0);
			break;
		}
	}
	/* Forced-1 controls hxen does not handle: refuse, naming the bit. */
	for (i = 0; i < 32; i++) {
		if ((must1 & vmx_ctl_defined[cls] & ~known) & (1U << i))
			vmx_msg(msgs, "%s control bit %u is forced on and not handled",
				vmx_ctl_class_name[cls], i);
	}
	/* A dynamic control must also be clearable. */
	if (must1 & *dynamic)
		vmx_msg(msgs, "%s control that hxen toggles is forced on",
			vmx_ctl_class_name[cls], 0);
	return val & ~*dynamic;
}

static void vmx_check_ept_vpid(__u64 cap, struct vmx_config *cfg,
			       struct vmx_caps_msgs *msgs)
{
	static const struct { __u64 bit; const char *what; } need[] = {
		{ VMX_EPT_CAP_WALK4, "EPT 4-level page walk" },
		{ VMX_EPT_CAP_WB, "EPT write-back memory type" },
		{ VMX_EPT_CAP_INVEPT, "INVEPT" },
		{ VMX_VPID_CAP_INVVPID, "INVVPID" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(cap & need[i].bit))
			vmx_msg(msgs, "%s not supported", need[i].what, 0);
	if (!(cap & (VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL)))
		vmx_msg(msgs, "%s not supported",
			"INVEPT single-context or all-context type", 0);
	if (!(cap & (VMX_VPID_CAP_INVVPID_SINGLE | VMX_VPID_CAP_INVVPID_ALL)))
		vmx_msg(msgs, "%s not supported",
			"INVVPID single-context or all-context type", 0);
	cfg->invept_single = cap & VMX_EPT_CAP_INVEPT_SINGLE;
	cfg->invvpid_single = cap & VMX_VPID_CAP_INVVPID_SINGLE;
}

int vmx_negotiate(const struct vmx_cap_msrs *m, struct vmx_config *cfg,
		  struct vmx_caps_msgs *msgs)
{
	__u32 dyn;

	memset(cfg, 0, sizeof(*cfg));
	memset(msgs, 0, sizeof(*msgs));

	cfg->revision = VMX_BASIC_REVISION(m->basic);
	cfg->vmcs_size = VMX_BASIC_VMCS_SIZE(m->basic);
	if (VMX_BASIC_MEMTYPE(m->basic) != EPT_MT_WB)
		vmx_msg(msgs, "%s not supported", "write-back VMCS memory type", 0);
	if (m->basic & VMX_BASIC_32BIT_ADDR)
		vmx_msg(msgs, "%s not supported",
			"VMX structures above 4 GiB (IA32_VMX_BASIC[48])", 0);
	if (!cfg->vmcs_size || cfg->vmcs_size > 4096)
		vmx_msg(msgs, "VMCS region size%s %u not supported", "",
			cfg->vmcs_size);

	cfg->pin = vmx_resolve(m, VMX_CTL_PIN, &dyn, msgs);
	cfg->proc = vmx_resolve(m, VMX_CTL_PROC, &cfg->proc_dynamic, msgs);
	cfg->proc2 = vmx_resolve(m, VMX_CTL_PROC2, &dyn, msgs);
	cfg->exit = vmx_resolve(m, VMX_CTL_EXIT, &dyn, msgs);
	cfg->entry = vmx_resolve(m, VMX_CTL_ENTRY, &cfg->entry_dynamic, msgs);

	/* EPT/VPID capabilities are only meaningful when EPT/VPID exist. */
	if ((cfg->proc2 & (PROC2_EPT | PROC2_VPID)) == (PROC2_EPT | PROC2_VPID))
		vmx_check_ept_vpid(m->ept_vpid, cfg, msgs);
	cfg->ept_vpid = m->ept_vpid;
	cfg->cr0_fixed0 = m->cr0_fixed0;
	cfg->cr0_fixed1 = m->cr0_fixed1;
	cfg->cr4_fixed0 = m->cr4_fixed0;
	cfg->cr4_fixed1 = m->cr4_fixed1;
	return (int)msgs->nr;
}

const char *vmx_feature_control_check(__u64 fc, __u64 *set_bits)
{
	*set_bits = 0;
	if (!(fc & FEATURE_CONTROL_LOCK)) {
		*set_bits = FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX;
		return NULL;
	}
	if (!(fc & FEATURE_CONTROL_VMX))
		return "VMX disabled by firmware: enable VT-x in the BIOS setup";
	return NULL;
}

/* EPT leaf: permissions, write-back memory type (guest PAT still applies). */
__u64 vmx_ept_leaf(__u64 hpa, unsigned int perm, bool large)
{
	__u64 e = (hpa & EPT_ADDR_MASK) | (EPT_MT_WB << EPT_MT_SHIFT);

	if (perm & VMX_EPT_PERM_R)
		e |= EPT_R;
	if (perm & VMX_EPT_PERM_W)
		e |= EPT_W;
	if (perm & VMX_EPT_PERM_X)
		e |= EPT_X;
	if (large)
		e |= EPT_LARGE;
	return e;
}

/* Non-leaf: full access; the leaf decides (SDM 28.3.2, table 28-3). */
__u64 vmx_ept_table(__u64 hpa)
{
	return (hpa & EPT_ADDR_MASK) | EPT_R | EPT_W | EPT_X;
}

__u64 vmx_eptp(__u64 pml4_hpa, bool ad)
{
	return (pml4_hpa & EPT_ADDR_MASK) | EPT_MT_WB |
	       (3ULL << EPTP_WALK_SHIFT) | (ad ? EPTP_AD : 0);
}
