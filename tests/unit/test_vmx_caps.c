// SPDX-License-Identifier: GPL-2.0
/*
 * VMX control negotiation against given capability MSR values, the
 * IA32_FEATURE_CONTROL policy, and EPT entry encoding (kmod/vmx_caps.c).
 */
#include <string.h>
#include "unit.h"
#include "vmx_defs.h"
#include "vmx_caps.h"

/* Capability MSRs as a Skylake server reports them (and Bochs' model). */
static const struct vmx_cap_msrs skylake = {
	.basic = 0x00da040000000004ULL,
	.pin = 0x0000007f00000016ULL,
	.proc = 0xfff9fffe0401e172ULL,
	.proc2 = 0x0017ffff00000000ULL,
	.exit = 0x01ffffff00036dffULL,
	.entry = 0x0003ffff000011ffULL,
	.true_pin = 0x0000007f00000016ULL,
	.true_proc = 0xfff9fffe04006172ULL,
	.true_exit = 0x01ffffff00036dfbULL,
	.true_entry = 0x0003ffff000011fbULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x3767ffULL,
	.ept_vpid = 0x00000f0106734141ULL,
};

static struct vmx_config cfg;
static struct vmx_caps_msgs msgs;

static int has_msg(const char *text)
{
	for (unsigned int i = 0; i < msgs.nr && i < VMX_MSG_MAX; i++)
		if (!strcmp(msgs.text[i], text))
			return 1;
	return 0;
}

static void test_skylake_ok(void)
{
	CU_ASSERT_EQUAL(vmx_negotiate(&skylake, &cfg, &msgs), 0);
	CU_ASSERT_EQUAL(cfg.revision, 4);
	CU_ASSERT_EQUAL(cfg.vmcs_size, 0x400);
	CU_ASSERT((cfg.pin & (PIN_EXT_INTR | PIN_NMI)) == (PIN_EXT_INTR | PIN_NMI));
	CU_ASSERT(cfg.pin & PIN_PREEMPT_TIMER);		/* optional, offered */
	CU_ASSERT(cfg.proc & PROC_HLT);
	CU_ASSERT(cfg.proc & PROC_UNCOND_IO);
	CU_ASSERT(cfg.proc & PROC_MSR_BITMAPS);
	CU_ASSERT(cfg.proc & PROC_SECONDARY);
	CU_ASSERT(!(cfg.proc & (PROC_CR3_LOAD | PROC_CR3_STORE)));
	CU_ASSERT(!(cfg.proc & PROC_INTR_WINDOW));
	CU_ASSERT_EQUAL(cfg.proc_dynamic, PROC_INTR_WINDOW);
	/* reserved default1 bits stay set */
	CU_ASSERT_EQUAL(cfg.proc & 0x04006172U, 0x04006172U);
	CU_ASSERT((cfg.proc & (PROC_CR8_LOAD | PROC_CR8_STORE)) ==
		  (PROC_CR8_LOAD | PROC_CR8_STORE));
	CU_ASSERT_EQUAL(cfg.proc2, PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED);
	CU_ASSERT(!(cfg.exit & EXIT_ACK_INTR));
	CU_ASSERT(cfg.exit & EXIT_HOST_64);
	CU_ASSERT((cfg.exit & (EXIT_SAVE_EFER | EXIT_LOAD_EFER)) ==
		  (EXIT_SAVE_EFER | EXIT_LOAD_EFER));
	CU_ASSERT((cfg.entry & (ENTRY_LOAD_EFER | ENTRY_LOAD_PAT)) ==
		  (ENTRY_LOAD_EFER | ENTRY_LOAD_PAT));
	CU_ASSERT(!(cfg.entry & ENTRY_IA32E));
	CU_ASSERT_EQUAL(cfg.entry_dynamic, ENTRY_IA32E);
	CU_ASSERT(cfg.invept_single);
	CU_ASSERT(cfg.invvpid_single);
}

/* Optional controls are simply left off when the CPU lacks them. */
static void test_optional_absent(void)
{
	struct vmx_cap_msrs m = skylake;

	m.true_pin &= ~((__u64)PIN_PREEMPT_TIMER << 32);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 0);
	CU_ASSERT(!(cfg.pin & PIN_PREEMPT_TIMER));
}

static void test_no_ept(void)
{
	struct vmx_cap_msrs m = skylake;

	m.proc2 &= ~((__u64)PROC2_EPT << 32);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 1);
	CU_ASSERT_STRING_EQUAL(msgs.text[0], "EPT not supported");
}

static void test_no_unrestricted_no_vpid(void)
{
	struct vmx_cap_msrs m = skylake;

	m.proc2 &= ~((__u64)(PROC2_UNRESTRICTED | PROC2_VPID) << 32);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 2);
	CU_ASSERT(has_msg("VPID not supported"));
	CU_ASSERT(has_msg("unrestricted guest not supported"));
}

static void test_no_secondary(void)
{
	struct vmx_cap_msrs m = skylake;

	m.true_proc &= ~((__u64)PROC_SECONDARY << 32);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 4);
	CU_ASSERT(has_msg("secondary processor-based controls not supported"));
	CU_ASSERT(has_msg("EPT not supported"));
	CU_ASSERT(has_msg("VPID not supported"));
	CU_ASSERT(has_msg("unrestricted guest not supported"));
}

static void test_missing_pin_and_exit(void)
{
	struct vmx_cap_msrs m = skylake;

	m.true_pin &= ~((__u64)PIN_NMI << 32);
	m.true_exit &= ~((__u64)EXIT_LOAD_PAT << 32);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 2);
	CU_ASSERT(has_msg("NMI exiting not supported"));
	CU_ASSERT(has_msg("load IA32_PAT on VM exit not supported"));
}

/* Without TRUE_* MSRs the default1 CR3 exits cannot be cleared. */
static void test_no_true_ctls(void)
{
	struct vmx_cap_msrs m = skylake;

	m.basic &= ~VMX_BASIC_TRUE_CTLS;
	memset(&m.true_pin, 0, 4 * sizeof(__u64));
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 2);
	CU_ASSERT(has_msg("CR3-load exiting cannot be turned off"));
	CU_ASSERT(has_msg("CR3-store exiting cannot be turned off"));
}

static void test_forced_unknown(void)
{
	struct vmx_cap_msrs m = skylake;

	m.true_pin |= PIN_POSTED_INTR;
	m.true_entry |= ENTRY_IA32E;
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 2);
	CU_ASSERT(has_msg("pin-based control bit 7 is forced on and not handled"));
	CU_ASSERT(has_msg("VM-entry control that hxen toggles is forced on"));
}

static void test_ept_caps(void)
{
	struct vmx_cap_msrs m = skylake;

	m.ept_vpid &= ~(VMX_EPT_CAP_WB | VMX_EPT_CAP_INVEPT_SINGLE |
			VMX_VPID_CAP_INVVPID);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 2);
	CU_ASSERT(has_msg("EPT write-back memory type not supported"));
	CU_ASSERT(has_msg("INVVPID not supported"));
	CU_ASSERT(!cfg.invept_single);	/* falls back to all-context */

	m.ept_vpid &= ~(VMX_EPT_CAP_INVEPT_ALL | VMX_EPT_CAP_WALK4);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 4);
	CU_ASSERT(has_msg("EPT 4-level page walk not supported"));
	CU_ASSERT(has_msg("INVEPT single-context or all-context type not supported"));
}

static void test_basic(void)
{
	struct vmx_cap_msrs m = skylake;

	m.basic = (m.basic & ~(0xfULL << 50)) | VMX_BASIC_32BIT_ADDR;
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 2);
	CU_ASSERT(has_msg("write-back VMCS memory type not supported"));
	m.basic = (skylake.basic & ~(0x1fffULL << 32)) | (0x1400ULL << 32);
	CU_ASSERT_EQUAL(vmx_negotiate(&m, &cfg, &msgs), 1);
	CU_ASSERT_STRING_EQUAL(msgs.text[0], "VMCS region size 5120 not supported");
}

static void test_feature_control(void)
{
	__u64 set;

	CU_ASSERT_PTR_NULL(vmx_feature_control_check(0x5, &set));
	CU_ASSERT_EQUAL(set, 0);
	CU_ASSERT_STRING_EQUAL(vmx_feature_control_check(0x1, &set),
		"VMX disabled by firmware: enable VT-x in the BIOS setup");
	CU_ASSERT_STRING_EQUAL(vmx_feature_control_check(0x3, &set),
		"VMX disabled by firmware: enable VT-x in the BIOS setup");
	CU_ASSERT_PTR_NULL(vmx_feature_control_check(0x0, &set));
	CU_ASSERT_EQUAL(set, FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX);
}

static void test_ept_encoding(void)
{
	const unsigned int rwx = VMX_EPT_PERM_R | VMX_EPT_PERM_W | VMX_EPT_PERM_X;

	CU_ASSERT_EQUAL(vmx_ept_leaf(0x123456789000ULL, rwx, false),
			0x123456789000ULL | 0x7 | (6 << 3));
	CU_ASSERT_EQUAL(vmx_ept_leaf(0x40200000ULL, VMX_EPT_PERM_R |
				     VMX_EPT_PERM_X, true),
			0x40200000ULL | 0x5 | (6 << 3) | 0x80);
	/* stray low and high bits of the address never leak into the entry */
	CU_ASSERT_EQUAL(vmx_ept_leaf(0x8000000000001fffULL, VMX_EPT_PERM_R, false),
			0x1000ULL | 0x1 | (6 << 3));
	CU_ASSERT_EQUAL(vmx_ept_table(0x5000ULL | 0xabc), 0x5007ULL);
	CU_ASSERT_EQUAL(vmx_eptp(0x7000ULL, false), 0x701eULL);
	CU_ASSERT_EQUAL(vmx_eptp(0x7000ULL, true), 0x705eULL);
}

static void test_table_sane(void)
{
	/* each (class, bit) appears once and is a single bit */
	for (unsigned int i = 0; i < vmx_ctl_table_len; i++) {
		const struct vmx_ctl_req *a = &vmx_ctl_table[i];

		CU_ASSERT(a->bit && !(a->bit & (a->bit - 1)));
		for (unsigned int j = i + 1; j < vmx_ctl_table_len; j++)
			CU_ASSERT(!(a->cls == vmx_ctl_table[j].cls &&
				    a->bit == vmx_ctl_table[j].bit));
	}
}

static const CU_TestInfo vmx_caps_tests[] = {
	{ "Skylake capabilities accepted", test_skylake_ok },
	{ "optional control absent", test_optional_absent },
	{ "missing EPT", test_no_ept },
	{ "missing VPID and unrestricted guest", test_no_unrestricted_no_vpid },
	{ "missing secondary controls", test_no_secondary },
	{ "missing pin/exit controls", test_missing_pin_and_exit },
	{ "no TRUE control MSRs", test_no_true_ctls },
	{ "forced-on controls", test_forced_unknown },
	{ "EPT/VPID capabilities", test_ept_caps },
	{ "IA32_VMX_BASIC checks", test_basic },
	{ "IA32_FEATURE_CONTROL policy", test_feature_control },
	{ "EPT entry encoding", test_ept_encoding },
	{ "control table sane", test_table_sane },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(vmx_caps, vmx_caps_tests);
