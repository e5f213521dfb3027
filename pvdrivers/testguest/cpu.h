/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inline wrappers for the x86 instructions the test guest uses.  Every one
 * of them may exit to the VMM, which is the point of the guest.
 */
#ifndef _TG_CPU_H
#define _TG_CPU_H

#include <stdint.h>

#define MSR_EFER		0xc0000080u
#define MSR_STAR		0xc0000081u
#define MSR_LSTAR		0xc0000082u
#define MSR_KERNEL_GS_BASE	0xc0000102u
#define MSR_TSC_AUX		0xc0000103u
#define MSR_PAT			0x00000277u

#define EFER_LME		(1u << 8)
#define EFER_LMA		(1u << 10)


static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr"
		     : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
		     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	/* LFENCE keeps the read from being hoisted above earlier work. */
	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

/*
 * STI's one-instruction interrupt shadow (SDM Vol. 2B "STI") makes the
 * pair atomic: an interrupt that is already pending wakes the HLT instead
 * of being taken just before it and leaving the CPU halted for good.
 * Interrupts are disabled again on return.
 */
static inline void safe_halt_then_cli(void)
{
	asm volatile("sti; hlt; cli" : : : "memory");
}

/*
 * Exception fixup: an instruction listed in the tg_extable section that
 * faults does not bail out; the trap handler records the vector in
 * tg_fault_vector and resumes at the fixup address (see trap.c).
 */
#define TG_EXTABLE(insn, fixup)					\
	".pushsection .tg_extable, \"a\"\n\t"			\
	".balign 8\n\t"						\
	".quad " #insn ", " #fixup "\n\t"			\
	".popsection\n\t"

#define TG_NO_FAULT	(-1)

extern volatile int tg_fault_vector;

/* Returns TG_NO_FAULT, or the exception vector RDMSR raised. */
static inline int safe_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	tg_fault_vector = TG_NO_FAULT;
	asm volatile("1: rdmsr\n2:\n\t"
		     TG_EXTABLE(1b, 2b)
		     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return tg_fault_vector;
}

/* Returns TG_NO_FAULT, or the exception vector WRMSR raised. */
static inline int safe_wrmsr(uint32_t msr, uint64_t v)
{
	tg_fault_vector = TG_NO_FAULT;
	asm volatile("1: wrmsr\n2:\n\t"
		     TG_EXTABLE(1b, 2b)
		     : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
		     : "memory");
	return tg_fault_vector;
}

#endif /* _TG_CPU_H */
