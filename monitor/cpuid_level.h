/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU levelling in user space (monitor/cpuid_level.c): the `cpuid =`
 * config value (xl.cfg(5) syntax, hxen.cfg(5) CPUID FLAGS) into a
 * struct hxen_cpuid_features mask, and the check that a host can show a
 * guest every feature it was shown before.  Used by the config check
 * (tools/), hxen restore and migrate-receive, and the monitor.
 */
#ifndef MON_CPUID_LEVEL_H
#define MON_CPUID_LEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hxen/hxen.h"

/* The named flags (hxen.cfg(5) lists the same table). */
struct cpuid_flag {
	const char *name;	/* xl's name */
	const char *alias;	/* /proc/cpuinfo's, if it differs; or NULL */
	uint8_t word;		/* HXEN_CPUID_* */
	uint8_t bit;
	uint8_t xcr0_bit;	/* XSAVE state it needs (0: none) */
};
extern const struct cpuid_flag cpuid_flags[];
const struct cpuid_flag *cpuid_flag_find(const char *name, size_t len);

/* A mask that hides nothing ("host"). */
void cpuid_level_host(struct hxen_cpuid_features *m);

/*
 * The named form, "BASE,FLAG=0,FLAG=1,..." (BASE: host, x86-64-v1,
 * x86-64-v2, x86-64-v3; optional, default host), into @m.  0, or -1 with
 * the offending item and what is allowed in @err.
 */
int cpuid_level_parse(const char *spec, struct hxen_cpuid_features *m,
		      char *err, size_t errlen);

/*
 * xl's per-leaf form "LEAF[,SUBLEAF]:REG=BITS[,REG=BITS]" (BITS: 32 of
 * 0 1 x k s, bit 31 first) applied to @m: 0 hides the bit, the others
 * let it through.  0 or -1 with @err.
 */
int cpuid_level_parse_leaf(const char *spec, struct hxen_cpuid_features *m,
			   char *err, size_t errlen);

/*
 * The features in @want that @have lacks, as "avx2, bmi2" in @names
 * (unnamed bits as "cpuid 0x80000001.edx[3]", XSAVE state as "xsave
 * state bit N"); returns how many.
 */
int cpuid_level_missing(const struct hxen_cpuid_features *want,
			const struct hxen_cpuid_features *have,
			char *names, size_t len);

/* The named flags @f shows, space separated (for logs). */
void cpuid_level_names(const struct hxen_cpuid_features *f, char *buf,
		       size_t len);

/*
 * Test knob (docs/testing.md): HXEN_TEST_CPUID_HIDE="flag,flag" in the
 * environment clears those flags from @have, so a test can pretend this
 * host lacks them.  0, or -1 with @err for an unknown flag.
 */
int cpuid_level_test_hide(struct hxen_cpuid_features *have, char *err,
			  size_t errlen);

#endif /* MON_CPUID_LEVEL_H */
