// SPDX-License-Identifier: GPL-2.0
/*
 * CPU levelling: the `cpuid =` value into a mask, and the check that a
 * destination can show every feature a guest was shown.  Flag names are
 * xl's (xl.cfg(5)), with the /proc/cpuinfo name as an alias where it
 * differs; bit positions from the Intel SDM vol. 2A (CPUID) and the AMD
 * APM vol. 3 appendix E.  The baselines follow the x86-64 psABI
 * micro-architecture levels (v1: the features every x86-64 CPU has, v2:
 * + SSE3/SSSE3/SSE4/POPCNT/CX16/LAHF, v3: + AVX/AVX2/BMI/FMA/F16C/LZCNT/
 * MOVBE/XSAVE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/cpuid_level.h"

#define W1C	HXEN_CPUID_1_ECX
#define W1D	HXEN_CPUID_1_EDX
#define W7B	HXEN_CPUID_7_EBX
#define W7C	HXEN_CPUID_7_ECX
#define W7D	HXEN_CPUID_7_EDX
#define W81C	HXEN_CPUID_81_ECX
#define W81D	HXEN_CPUID_81_EDX
#define WD1A	HXEN_CPUID_D1_EAX

#define XCR0_X87	(1ULL << 0)
#define XCR0_SSE	(1ULL << 1)
#define XCR0_AVX	(1ULL << 2)

#define FX(n, a, w, b, x)	{ .name = n, .alias = a, .word = w, .bit = b, .xcr0_bit = x }
#define F(n, a, w, b)		FX(n, a, w, b, 0)

const struct cpuid_flag cpuid_flags[] = {
	/* leaf 1 ECX */
	F("sse3", "pni", W1C, 0), F("pclmulqdq", NULL, W1C, 1),
	F("dtes64", NULL, W1C, 2), F("monitor", NULL, W1C, 3),
	F("dscpl", "ds_cpl", W1C, 4), F("vmx", NULL, W1C, 5),
	F("smx", NULL, W1C, 6), F("est", NULL, W1C, 7),
	F("tm2", NULL, W1C, 8), F("ssse3", NULL, W1C, 9),
	F("cntxid", "cid", W1C, 10), F("fma", NULL, W1C, 12),
	F("cx16", NULL, W1C, 13), F("xtpr", NULL, W1C, 14),
	F("pdcm", NULL, W1C, 15), F("pcid", NULL, W1C, 17),
	F("dca", NULL, W1C, 18), F("sse4_1", "sse4.1", W1C, 19),
	F("sse4_2", "sse4.2", W1C, 20), F("x2apic", NULL, W1C, 21),
	F("movbe", NULL, W1C, 22), F("popcnt", NULL, W1C, 23),
	F("tsc-deadline", "tsc_deadline_timer", W1C, 24),
	F("aes", NULL, W1C, 25), F("xsave", NULL, W1C, 26),
	FX("avx", NULL, W1C, 28, 2), F("f16c", NULL, W1C, 29),
	F("rdrand", NULL, W1C, 30),
	/* leaf 1 EDX */
	F("fpu", NULL, W1D, 0), F("vme", NULL, W1D, 1), F("de", NULL, W1D, 2),
	F("pse", NULL, W1D, 3), F("tsc", NULL, W1D, 4), F("msr", NULL, W1D, 5),
	F("pae", NULL, W1D, 6), F("mce", NULL, W1D, 7), F("cx8", NULL, W1D, 8),
	F("apic", NULL, W1D, 9), F("sysenter", "sep", W1D, 11),
	F("mtrr", NULL, W1D, 12), F("pge", NULL, W1D, 13),
	F("mca", NULL, W1D, 14), F("cmov", NULL, W1D, 15),
	F("pat", NULL, W1D, 16), F("pse36", NULL, W1D, 17),
	F("psn", NULL, W1D, 18), F("clfsh", "clflush", W1D, 19),
	F("ds", "dts", W1D, 21), F("acpi", NULL, W1D, 22),
	F("mmx", NULL, W1D, 23), F("fxsr", NULL, W1D, 24),
	F("sse", NULL, W1D, 25), F("sse2", NULL, W1D, 26),
	F("ss", NULL, W1D, 27), F("htt", "ht", W1D, 28),
	F("tm", NULL, W1D, 29), F("pbe", NULL, W1D, 31),
	/* leaf 7.0 EBX */
	F("fsgsbase", NULL, W7B, 0), F("tsc_adjust", NULL, W7B, 1),
	F("sgx", NULL, W7B, 2), F("bmi1", NULL, W7B, 3),
	F("hle", NULL, W7B, 4), FX("avx2", NULL, W7B, 5, 2),
	F("smep", NULL, W7B, 7), F("bmi2", NULL, W7B, 8),
	F("erms", NULL, W7B, 9), F("invpcid", NULL, W7B, 10),
	F("rtm", NULL, W7B, 11), F("mpx", NULL, W7B, 14),
	F("avx512f", NULL, W7B, 16), F("avx512dq", NULL, W7B, 17),
	F("rdseed", NULL, W7B, 18), F("adx", NULL, W7B, 19),
	F("smap", NULL, W7B, 20), F("avx512-ifma", "avx512ifma", W7B, 21),
	F("clflushopt", NULL, W7B, 23), F("clwb", NULL, W7B, 24),
	F("proc_trace", "intel_pt", W7B, 25), F("avx512pf", NULL, W7B, 26),
	F("avx512er", NULL, W7B, 27), F("avx512cd", NULL, W7B, 28),
	F("sha", "sha_ni", W7B, 29), F("avx512bw", NULL, W7B, 30),
	F("avx512vl", NULL, W7B, 31),
	/* leaf 7.0 ECX, EDX */
	F("avx512-vbmi", "avx512vbmi", W7C, 1), F("umip", NULL, W7C, 2),
	F("pku", NULL, W7C, 3), F("la57", NULL, W7C, 16),
	F("rdpid", NULL, W7C, 22),
	F("md-clear", "md_clear", W7D, 10), F("ibrsb", "spec_ctrl", W7D, 26),
	/* leaf 0x80000001 ECX */
	F("lahfsahf", "lahf_lm", W81C, 0), F("cmplegacy", "cmp_legacy", W81C, 1),
	F("svm", NULL, W81C, 2), F("extapic", NULL, W81C, 3),
	F("altmovcr8", "cr8_legacy", W81C, 4), F("abm", NULL, W81C, 5),
	F("sse4a", NULL, W81C, 6), F("misalignsse", NULL, W81C, 7),
	F("3dnowprefetch", NULL, W81C, 8), F("osvw", NULL, W81C, 9),
	F("ibs", NULL, W81C, 10), F("xop", NULL, W81C, 11),
	F("skinit", NULL, W81C, 12), F("wdt", NULL, W81C, 13),
	F("lwp", NULL, W81C, 15), F("fma4", NULL, W81C, 16),
	F("tbm", NULL, W81C, 21), F("topoext", NULL, W81C, 22),
	/* leaf 0x80000001 EDX */
	F("syscall", NULL, W81D, 11), F("nx", NULL, W81D, 20),
	F("mmxext", NULL, W81D, 22), F("ffxsr", "fxsr_opt", W81D, 25),
	F("page1gb", "pdpe1gb", W81D, 26), F("rdtscp", NULL, W81D, 27),
	F("lm", NULL, W81D, 29), F("3dnowext", NULL, W81D, 30),
	F("3dnow", NULL, W81D, 31),
	/* leaf 0xD.1 EAX */
	F("xsaveopt", NULL, WD1A, 0), F("xsavec", NULL, WD1A, 1),
	F("xgetbv1", NULL, WD1A, 2), F("xsaves", NULL, WD1A, 3),
	{ .name = NULL }
};

/* x86-64-v1: what every x86-64 CPU has (and a 64-bit guest needs). */
static const char *const base_v1[] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
	"sysenter", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "clfsh",
	"mmx", "fxsr", "sse", "sse2", "syscall", "nx", "lm", NULL
};
static const char *const base_v2[] = {
	"cx16", "lahfsahf", "popcnt", "sse3", "sse4_1", "sse4_2", "ssse3", NULL
};
static const char *const base_v3[] = {
	"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
	NULL
};

static const struct {
	const char *name;
	const char *const *sets[3];
	uint64_t xcr0;
} bases[] = {
	{ "x86-64-v1", { base_v1 }, XCR0_X87 | XCR0_SSE },
	{ "x86-64-v2", { base_v1, base_v2 }, XCR0_X87 | XCR0_SSE },
	{ "x86-64-v3", { base_v1, base_v2, base_v3 }, XCR0_X87 | XCR0_SSE | XCR0_AVX },
};

static const struct {
	uint32_t leaf, sub;
	bool has_sub;
	char reg[4];
	unsigned int word;
} leaves[] = {
	{ 1, 0, false, "ecx", W1C }, { 1, 0, false, "edx", W1D },
	{ 7, 0, true, "ebx", W7B }, { 7, 0, true, "ecx", W7C },
	{ 7, 0, true, "edx", W7D },
	{ 0x80000001, 0, false, "ecx", W81C }, { 0x80000001, 0, false, "edx", W81D },
	{ 0xd, 1, true, "eax", WD1A },
};

const struct cpuid_flag *cpuid_flag_find(const char *name, size_t len)
{
	for (const struct cpuid_flag *f = cpuid_flags; f->name; f++)
		if ((strlen(f->name) == len && !strncmp(f->name, name, len)) ||
		    (f->alias && strlen(f->alias) == len &&
		     !strncmp(f->alias, name, len)))
			return f;
	return NULL;
}

void cpuid_level_host(struct hxen_cpuid_features *m)
{
	memset(m, 0, sizeof(*m));
	m->version = HXEN_STATE_VERSION;
	memset(m->word, 0xff, sizeof(m->word));
	m->xcr0 = ~0ULL;
}

static void set_flag(struct hxen_cpuid_features *m, const struct cpuid_flag *f,
		     bool on)
{
	if (on) {
		m->word[f->word] |= 1U << f->bit;
		if (f->xcr0_bit)
			m->xcr0 |= 1ULL << f->xcr0_bit;
	} else {
		m->word[f->word] &= ~(1U << f->bit);
	}
}

static int set_base(const char *b, size_t len, struct hxen_cpuid_features *m)
{
	if (len == 4 && !strncmp(b, "host", 4)) {
		cpuid_level_host(m);
		return 0;
	}
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (strlen(bases[i].name) != len || strncmp(bases[i].name, b, len))
			continue;
		memset(m, 0, sizeof(*m));
		m->version = HXEN_STATE_VERSION;
		for (int s = 0; s < 3 && bases[i].sets[s]; s++)
			for (const char *const *n = bases[i].sets[s]; *n; n++)
				set_flag(m, cpuid_flag_find(*n, strlen(*n)), true);
		m->xcr0 = bases[i].xcr0;
		return 0;
	}
	return -1;
}

int cpuid_level_parse(const char *spec, struct hxen_cpuid_features *m,
		      char *err, size_t errlen)
{
	const char *p = spec;
	bool first = true;

	cpuid_level_host(m);
	while (*p) {
		size_t len = strcspn(p, ","), nlen;
		const char *eq = memchr(p, '=', len);
		const struct cpuid_flag *f;

		while (len && p[0] == ' ') {
			p++;
			len--;
		}
		nlen = eq ? (size_t)(eq - p) : len;
		while (nlen && p[nlen - 1] == ' ')
			nlen--;
		if (!eq) {
			if (first && nlen && !set_base(p, nlen, m))
				goto next;
			snprintf(err, errlen, "'%.*s': %s", (int)len, p, first ?
				 "not a baseline (host, x86-64-v1, x86-64-v2, "
				 "x86-64-v3) nor FLAG=0|1" :
				 "FLAG=0 or FLAG=1 expected (a baseline comes first)");
			return -1;
		}
		f = cpuid_flag_find(p, nlen);
		if (!f) {
			snprintf(err, errlen, "'%.*s': unknown CPUID flag (the "
				 "flags are listed in hxen.cfg(5), CPUID FLAGS)",
				 (int)nlen, p);
			return -1;
		}
		{
			const char *v = eq + 1;
			size_t vlen = len - (v - p);

			while (vlen && v[vlen - 1] == ' ')
				vlen--;
			while (vlen && *v == ' ') {
				v++;
				vlen--;
			}
			if (vlen != 1 || (*v != '0' && *v != '1')) {
				snprintf(err, errlen, "'%.*s': %s takes 0 (hide) "
					 "or 1 (show if the host has it)",
					 (int)len, p, f->name);
				return -1;
			}
			set_flag(m, f, *v == '1');
		}
next:
		first = false;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int cpuid_level_parse_leaf(const char *spec, struct hxen_cpuid_features *m,
			   char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':'), *p;
	unsigned long leaf, sub = 0;
	bool has_sub = false;
	char *end;

	leaf = strtoul(spec, &end, 0);
	if (end == spec || !colon || (*end != ':' && *end != ',')) {
		snprintf(err, errlen, "'%s': LEAF[,SUBLEAF]:REG=BITS expected "
			 "(e.g. \"0x00000001:ecx=xxxxxxxxxxxxxxxxxxxxxxxx0xxxxxxx\")",
			 spec);
		return -1;
	}
	if (*end == ',') {
		const char *s = end + 1;

		sub = strtoul(s, &end, 0);
		if (end == s || end != colon) {
			snprintf(err, errlen, "'%s': bad subleaf", spec);
			return -1;
		}
		has_sub = true;
	}
	p = colon + 1;
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned int i;

		for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
			if (leaves[i].leaf == leaf && (leaves[i].sub == sub ||
			    (!has_sub && !leaves[i].has_sub)) &&
			    len == 36 && !strncmp(p, leaves[i].reg, 3) && p[3] == '=')
				break;
		if (i == sizeof(leaves) / sizeof(leaves[0])) {
			snprintf(err, errlen, "'%.*s' of leaf %#lx%s: hxen levels "
				 "1 ecx/edx, 7,0 ebx/ecx/edx, 0x80000001 ecx/edx "
				 "and 0xd,1 eax, each as REG= and 32 of 0 1 x k s",
				 (int)len, p, leaf, has_sub ? " (with subleaf)" : "");
			return -1;
		}
		for (int b = 0; b < 32; b++) {
			char c = p[4 + b];
			uint32_t bit = 1U << (31 - b);

			if (c == '0')
				m->word[leaves[i].word] &= ~bit;
			else if (c == '1' || c == 'x' || c == 'k' || c == 's')
				m->word[leaves[i].word] |= bit;
			else {
				snprintf(err, errlen, "'%.*s': '%c' is not one of "
					 "0 1 x k s", (int)len, p, c);
				return -1;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static const struct cpuid_flag *flag_at(unsigned int w, unsigned int bit)
{
	for (const struct cpuid_flag *f = cpuid_flags; f->name; f++)
		if (f->word == w && f->bit == bit)
			return f;
	return NULL;
}

static void append(char *buf, size_t len, size_t *at, const char *sep,
		   const char *s)
{
	int n;

	if (*at >= len)
		return;
	n = snprintf(buf + *at, len - *at, "%s%s", *at ? sep : "", s);
	if (n > 0)
		*at += (size_t)n;
}

int cpuid_level_missing(const struct hxen_cpuid_features *want,
			const struct hxen_cpuid_features *have,
			char *names, size_t len)
{
	size_t at = 0;
	int n = 0;
	uint64_t x;

	if (len)
		names[0] = 0;
	for (unsigned int w = 0; w < HXEN_CPUID_NR_WORDS; w++) {
		uint32_t miss = want->word[w] & ~have->word[w];

		for (unsigned int b = 0; b < 32; b++) {
			const struct cpuid_flag *f = flag_at(w, b);
			char tmp[48];

			if (!(miss & (1U << b)))
				continue;
			n++;
			if (!f)
				snprintf(tmp, sizeof(tmp), "cpuid %#x%s.%s[%u]",
					 leaves[w].leaf, leaves[w].has_sub ?
					 (leaves[w].sub ? ",1" : ",0") : "",
					 leaves[w].reg, b);
			append(names, len, &at, ", ", f ? f->name : tmp);
		}
	}
	/* XSAVE state: only what no flag above already named */
	x = want->xcr0 & ~have->xcr0;
	for (unsigned int b = 0; b < 64; b++) {
		char tmp[32];

		if (!(x & (1ULL << b)))
			continue;
		if (b == 2 && (want->word[W1C] & ~have->word[W1C] & (1U << 28)))
			continue;	/* "avx" said it */
		n++;
		snprintf(tmp, sizeof(tmp), "xsave state bit %u", b);
		append(names, len, &at, ", ", tmp);
	}
	return n;
}

void cpuid_level_names(const struct hxen_cpuid_features *f, char *buf,
		       size_t len)
{
	size_t at = 0;

	if (len)
		buf[0] = 0;
	for (const struct cpuid_flag *c = cpuid_flags; c->name; c++)
		if (f->word[c->word] & (1U << c->bit))
			append(buf, len, &at, " ", c->name);
}

int cpuid_level_test_hide(struct hxen_cpuid_features *have, char *err,
			  size_t errlen)
{
	const char *p = getenv("HXEN_TEST_CPUID_HIDE");

	while (p && *p) {
		size_t len = strcspn(p, ", ");
		const struct cpuid_flag *f = cpuid_flag_find(p, len);

		if (len && !f) {
			snprintf(err, errlen, "HXEN_TEST_CPUID_HIDE: '%.*s' is "
				 "not a CPUID flag", (int)len, p);
			return -1;
		}
		if (f) {
			have->word[f->word] &= ~(1U << f->bit);
			if (f->xcr0_bit && f->word == W1C)
				have->xcr0 &= ~(1ULL << f->xcr0_bit);
		}
		p += len;
		p += strspn(p, ", ");
	}
	return 0;
}
