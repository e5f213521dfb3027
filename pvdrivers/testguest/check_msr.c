// SPDX-License-Identifier: GPL-2.0
/*
 * MSR emulation: long-mode EFER, write/read-back of the MSRs a 64-bit
 * kernel programs, and #GP for MSRs that do not exist (AMD APM Vol. 2,
 * Intel SDM Vol. 4).  Originals are restored.  Architectural #GP cases
 * of MSRs a VMM may pass through (e.g. a non-canonical LSTAR) are left
 * out: QEMU's TCG, our emulated host CPU, does not raise them either.
 */
#include "tg.h"
#include "cpu.h"
#include "checks.h"

#define CPUID81_EDX_RDTSCP	(1u << 27)

/* Not defined by Intel or AMD, outside the 0x40000000 hypervisor range. */
#define MSR_UNKNOWN		0x0badc0deu
#define X86_TRAP_GP		13

struct msr_case {
	const char *name;
	uint32_t msr;
	uint64_t value;
};

/* Distinct bit patterns, each valid for its MSR. */
static const struct msr_case msr_cases[] = {
	{ "msr: STAR write/read back", MSR_STAR, 0x0023001012345678ull },
	{ "msr: LSTAR write/read back", MSR_LSTAR, 0xffffffff81234560ull },
	{ "msr: KERNEL_GS_BASE write/read back", MSR_KERNEL_GS_BASE,
	  0xffff888012345000ull },
	/* PA1 and PA5 changed from WT (4) to WC (1). */
	{ "msr: PAT write/read back", MSR_PAT, 0x0007010600070106ull },
};

static int rw_msr(uint32_t msr, uint64_t value, uint64_t *got)
{
	uint64_t orig;
	int v;

	v = safe_rdmsr(msr, &orig);
	if (v != TG_NO_FAULT)
		return v;
	v = safe_wrmsr(msr, value);
	if (v != TG_NO_FAULT)
		return v;
	v = safe_rdmsr(msr, got);
	safe_wrmsr(msr, orig);
	return v;
}

static void check_rw(const char *name, uint32_t msr, uint64_t value)
{
	uint64_t got = 0;
	int v = rw_msr(msr, value, &got);

	if (v != TG_NO_FAULT)
		tap_ok(0, name, "exception vector %d", v);
	else
		tap_ok(got == value, name, "wrote 0x%llx read 0x%llx",
		       (unsigned long long)value, (unsigned long long)got);
}

static void check_tsc_aux(void)
{
	const char *name = "msr: TSC_AUX write/read back, RDTSCP sees it";
	const uint32_t value = 0x5a5;
	uint32_t max_ext = cpuid(0x80000000u, 0).eax;
	uint64_t orig, got = 0;
	uint32_t aux, lo, hi;

	if (max_ext < 0x80000001u ||
	    !(cpuid(0x80000001u, 0).edx & CPUID81_EDX_RDTSCP)) {
		tap_skip(name, "no RDTSCP");
		return;
	}
	if (safe_rdmsr(MSR_TSC_AUX, &orig) != TG_NO_FAULT ||
	    safe_wrmsr(MSR_TSC_AUX, value) != TG_NO_FAULT ||
	    safe_rdmsr(MSR_TSC_AUX, &got) != TG_NO_FAULT) {
		tap_ok(0, name, "exception vector %d", tg_fault_vector);
		return;
	}
	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	safe_wrmsr(MSR_TSC_AUX, orig);
	tap_ok(got == value && aux == value, name,
	       "wrote 0x%x, RDMSR 0x%llx, RDTSCP ecx 0x%x", value,
	       (unsigned long long)got, aux);
}

static void check_gp(const char *name, int vector)
{
	tap_ok(vector == X86_TRAP_GP, name, "exception vector %d (-1: none)",
	       vector);
}

static void run_msr(void)
{
	uint64_t efer = rdmsr(MSR_EFER), junk;
	unsigned int i;

	tap_ok((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
	       "msr: EFER.LME and EFER.LMA set", "EFER 0x%llx",
	       (unsigned long long)efer);

	for (i = 0; i < ARRAY_SIZE(msr_cases); i++)
		check_rw(msr_cases[i].name, msr_cases[i].msr,
			 msr_cases[i].value);
	check_tsc_aux();

	check_gp("msr: RDMSR of an unknown MSR raises a GP fault",
		 safe_rdmsr(MSR_UNKNOWN, &junk));
	check_gp("msr: WRMSR of an unknown MSR raises a GP fault",
		 safe_wrmsr(MSR_UNKNOWN, 0));
}

const struct tg_check tg_check_msr = {
	"msr", 1 + ARRAY_SIZE(msr_cases) + 1 + 2, run_msr
};
