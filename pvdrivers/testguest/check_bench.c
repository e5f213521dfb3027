// SPDX-License-Identifier: GPL-2.0
/*
 * Exit cost: CPUID is handled inside hxen.ko, an OUT to the no-op port
 * goes out to hxen-monitor in user space.  The figures are TAP comments;
 * the TAP lines check that the exits kept the machine state intact.
 */
#include "tg.h"
#include "cpu.h"
#include "checks.h"
#include "hxen/testdev.h"

#define BENCH_EXITS	100000u
#define ECHO_SENTINEL	0x600dcafeu

static void run_bench(void)
{
	struct cpuid_regs ref = cpuid(0, 0), r;
	unsigned int i, mismatches = 0;
	uint64_t t0, t1;
	uint32_t echo;

	t0 = rdtsc();
	for (i = 0; i < BENCH_EXITS; i++) {
		r = cpuid(0, 0);
		mismatches += r.eax != ref.eax || r.ebx != ref.ebx ||
			      r.ecx != ref.ecx || r.edx != ref.edx;
	}
	t1 = rdtsc();
	tap_diag("cpuid exit: %llu cycles/exit",
		 (unsigned long long)((t1 - t0) / BENCH_EXITS));
	tap_ok(mismatches == 0, "bench: 100000 CPUID exits, results stable",
	       "%u results differed from the first", mismatches);

	outl(HXEN_TESTDEV_ECHO, ECHO_SENTINEL);
	t0 = rdtsc();
	for (i = 0; i < BENCH_EXITS; i++)
		outl(HXEN_TESTDEV_NOP, i);
	t1 = rdtsc();
	echo = inl(HXEN_TESTDEV_ECHO);
	tap_diag("io exit: %llu cycles/exit",
		 (unsigned long long)((t1 - t0) / BENCH_EXITS));
	tap_ok(echo == ECHO_SENTINEL,
	       "bench: 100000 OUT exits to the NOP port, echo intact",
	       "echo 0x%x", echo);
}

const struct tg_check tg_check_bench = { "bench", 2, run_bench };
