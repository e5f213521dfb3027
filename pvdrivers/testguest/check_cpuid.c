// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as a Xen HVM guest should see it: a vendor, the hypervisor bit,
 * and no virtualization or MONITOR/MWAIT features (hxen cannot nest and
 * does not let guests MWAIT on host cache lines).
 */
#include "tg.h"
#include "cpu.h"
#include "checks.h"

#define CPUID1_ECX_MONITOR	(1u << 3)
#define CPUID1_ECX_VMX		(1u << 5)
#define CPUID1_ECX_HYPERVISOR	(1u << 31)
#define CPUID81_ECX_SVM		(1u << 2)
#define MAX_SANE_BASIC_LEAF	0xff
#define HV_LEAF_BASE		0x40000000u

static void regs_to_str(char *out, uint32_t a, uint32_t b, uint32_t c)
{
	memcpy(out, &a, 4);
	memcpy(out + 4, &b, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
}

static int printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return 0;
	return 1;
}

static void run_cpuid(void)
{
	struct cpuid_regs l0 = cpuid(0, 0), l1, hv, ext;
	uint32_t max_ext;
	char vendor[13], sig[13];

	regs_to_str(vendor, l0.ebx, l0.edx, l0.ecx);
	tap_diag("vendor \"%s\", max basic leaf 0x%x",
		 printable(vendor, 12) ? vendor : "(unprintable)", l0.eax);
	hv = cpuid(HV_LEAF_BASE, 0);
	regs_to_str(sig, hv.ebx, hv.ecx, hv.edx);
	tap_diag("leaf 0x%x: \"%s\", max 0x%x", HV_LEAF_BASE,
		 printable(sig, 12) ? sig : "(unprintable)", hv.eax);

	tap_ok(printable(vendor, 12) && l0.eax >= 1 &&
	       l0.eax <= MAX_SANE_BASIC_LEAF,
	       "cpuid: leaf 0 vendor and max leaf", "max leaf 0x%x", l0.eax);

	l1 = cpuid(1, 0);
	tap_ok(l1.ecx & CPUID1_ECX_HYPERVISOR, "cpuid: hypervisor bit set",
	       "leaf 1 ecx 0x%x", l1.ecx);
	tap_ok(!(l1.ecx & CPUID1_ECX_VMX), "cpuid: VMX hidden",
	       "leaf 1 ecx 0x%x", l1.ecx);

	max_ext = cpuid(0x80000000u, 0).eax;
	ext.ecx = 0;
	if (max_ext >= 0x80000001u && max_ext < 0x800000ffu)
		ext = cpuid(0x80000001u, 0);
	tap_ok(!(ext.ecx & CPUID81_ECX_SVM), "cpuid: SVM hidden",
	       "leaf 0x80000001 ecx 0x%x", ext.ecx);
	tap_ok(!(l1.ecx & CPUID1_ECX_MONITOR), "cpuid: MONITOR hidden",
	       "leaf 1 ecx 0x%x", l1.ecx);
}

const struct tg_check tg_check_cpuid = { "cpuid", 5, run_cpuid };
