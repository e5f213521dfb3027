/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX capability negotiation: from the raw capability MSRs to the control
 * values hxen programs, or to one human-readable line per missing
 * requirement.  Host-independent (no MSR access here): the kernel reads the
 * MSRs and the unit tests feed made-up values.
 */
#ifndef HX_VMX_CAPS_H
#define HX_VMX_CAPS_H

#include <linux/types.h>
#ifdef HX_USER
#include <stdbool.h>
#else
#include <linux/stddef.h>
#endif

/* Raw values of the VMX capability MSRs of one CPU. */
struct vmx_cap_msrs {
	__u64 basic;
	__u64 pin, proc, proc2, exit, entry;		/* IA32_VMX_*_CTLS */
	__u64 true_pin, true_proc, true_exit, true_entry; /* if BASIC[55] */
	__u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	__u64 ept_vpid;
	__u64 misc;
};

/* What hxen programs into every VMCS. */
struct vmx_config {
	__u32 revision;		/* VMCS / VMXON revision identifier */
	__u32 vmcs_size;
	__u32 pin, proc, proc2, exit, entry;	/* static control values */
	/* Controls toggled at run time; guaranteed allowed-1. */
	__u32 proc_dynamic, entry_dynamic;
	bool invept_single;	/* else all-context */
	bool invvpid_single;	/* else all-context */
	__u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	__u64 ept_vpid;
};

enum vmx_ctl_class { VMX_CTL_PIN, VMX_CTL_PROC, VMX_CTL_PROC2,
		     VMX_CTL_EXIT, VMX_CTL_ENTRY, VMX_CTL_NR };

enum vmx_ctl_need {
	VMX_NEED_ON,		/* always set; missing allowed-1 -> refuse */
	VMX_NEED_DYNAMIC,	/* toggled at run time; must be allowed-1 */
	VMX_NEED_OPTIONAL,	/* set when allowed-1 */
	VMX_NEED_OFF,		/* must be clear; forced-1 -> refuse */
};

struct vmx_ctl_req {
	__u8 cls;		/* enum vmx_ctl_class */
	__u8 need;		/* enum vmx_ctl_need */
	__u32 bit;
	const char *name;	/* "EPT", "HLT exiting", ... */
};

/* The control table (vmx_caps.c); exported for docs and tests. */
extern const struct vmx_ctl_req vmx_ctl_table[];
extern const unsigned int vmx_ctl_table_len;

#define VMX_MSG_LEN	96
struct vmx_caps_msgs {
	unsigned int nr;	/* problems found (may exceed VMX_MSG_MAX) */
	char text[12][VMX_MSG_LEN];
};
#define VMX_MSG_MAX	12

/*
 * Negotiate controls.  Returns 0 and fills @cfg when every requirement is
 * met; otherwise returns the number of problems and describes each in
 * @msgs (one line, without the "hxen: " prefix).
 */
int vmx_negotiate(const struct vmx_cap_msrs *m, struct vmx_config *cfg,
		  struct vmx_caps_msgs *msgs);

/*
 * IA32_FEATURE_CONTROL policy.  Returns NULL when VMX may be used as is
 * (*set_bits = 0) or after the caller writes *set_bits (unlocked MSR: set
 * and lock, as firmware would); otherwise the refusal message.
 */
const char *vmx_feature_control_check(__u64 fc, __u64 *set_bits);

/* EPT leaf / non-leaf entries and the EPT pointer. */
#define VMX_EPT_PERM_R	1U
#define VMX_EPT_PERM_W	2U
#define VMX_EPT_PERM_X	4U
__u64 vmx_ept_leaf(__u64 hpa, unsigned int perm, bool large);
__u64 vmx_ept_table(__u64 hpa);
__u64 vmx_eptp(__u64 pml4_hpa, bool ad);

#endif /* HX_VMX_CAPS_H */
