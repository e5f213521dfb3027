// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO to the unbacked test page.  Every access exits and the VMM has to
 * decode the instruction, so each helper below pins one encoding (opcode,
 * operand size, REX, ModRM/SIB form) and the checks verify the exact
 * register result, including which upper bits a narrow load keeps (Intel
 * SDM Vol. 1 §3.4.1.1: 32-bit writes zero-extend, 8/16-bit ones do not).
 */
#include "tg.h"
#include "cpu.h"
#include "checks.h"
#include "hxen/testdev.h"

#define MMIO_BASE	((uintptr_t)HXEN_TESTDEV_MMIO_GPA)
#define MMIO_ECHO	(MMIO_BASE + 0)
#define MMIO_MAGIC	(MMIO_BASE + 8)

#define PATTERN_A	0x1122334455667788ull
#define PATTERN_B	0x1122334455668899ull
#define STORE_IMM	(-0x1234568ll)	/* sign-extended imm32 */

/* REX.W 89 /r */
static void st64(uintptr_t a, uint64_t v)
{
	asm volatile("movq %1, (%0)" : : "r"(a), "r"(v) : "memory");
}

/* REX.W C7 /0 id */
static void st64_imm(uintptr_t a)
{
	asm volatile("movq %1, (%0)" : : "r"(a), "i"(STORE_IMM) : "memory");
}

/* REX.WRB 89 /r with r13 -> (r9): high registers in reg and base fields. */
static void st64_rex(uintptr_t a, uint64_t v)
{
	register uintptr_t base asm("r9") = a;
	register uint64_t val asm("r13") = v;

	asm volatile("movq %1, (%0)" : : "r"(base), "r"(val) : "memory");
}

/*
 * One load helper per encoding.  Where the destination's upper bits
 * matter, the register is first set to all-ones: a 32-bit load must
 * clear bits 63:32, 16- and 8-bit loads must keep them.
 */
#define MMIO_LOAD(name, type, insns)					\
static type name(uintptr_t a)						\
{									\
	type v;								\
									\
	asm volatile(insns : "=&r"(v) : "r"(a) : "memory");		\
	return v;							\
}

MMIO_LOAD(ld64, uint64_t, "movq (%1), %0")			/* REX.W 8B */
MMIO_LOAD(ld32, uint32_t, "movl (%1), %0")			/* 8B */
MMIO_LOAD(ld8, uint8_t, "movb (%1), %0")			/* 8A */
MMIO_LOAD(ld32_over_ones, uint64_t, "movq $-1, %0\n\tmovl (%1), %k0")
MMIO_LOAD(ld16_over_ones, uint64_t, "movq $-1, %0\n\tmovw (%1), %w0") /* 66 8B */
MMIO_LOAD(ld8_over_ones, uint64_t, "movq $-1, %0\n\tmovb (%1), %b0")
MMIO_LOAD(ldzx8, uint32_t, "movl $-1, %0\n\tmovzbl (%1), %0")	/* 0F B6 */
MMIO_LOAD(ldzx16, uint32_t, "movl $-1, %0\n\tmovzwl (%1), %0")	/* 0F B7 */
/* REX.W 0F BE, REX.W 0F BF (MOVSXD is left out: no driver uses it) */
MMIO_LOAD(ldsx8, uint64_t, "movsbq (%1), %0")
MMIO_LOAD(ldsx16, uint64_t, "movswq (%1), %0")

/* REX.WR 8B /r with SIB and disp8: 8(base + index * 8) into r14. */
static uint64_t ld64_sib(uintptr_t base, uint64_t index)
{
	register uint64_t v asm("r14");

	asm volatile("movq -8(%1,%2,8), %0"
		     : "=r"(v) : "r"(base), "r"(index) : "memory");
	return v;
}

/* 8A /r with ModRM.reg = 4 and no REX: the destination is AH. */
static uint64_t ld8_ah(uintptr_t a)
{
	uint64_t v;

	asm volatile("movq $0x1111, %%rax\n\tmovb (%1), %%ah"
		     : "=&a"(v) : "D"(a) : "memory");
	return v;
}

#define U(x)	((unsigned long long)(x))

static void run_mmio(void)
{
	uint64_t r64, r32, r16, r8, ah, rex, sb, sw, imm, m1, m2;
	uint64_t un64, echo;
	uint32_t zb, zw, un32;
	uint8_t un8;

	st64(MMIO_ECHO, PATTERN_A);
	r64 = ld64(MMIO_ECHO);
	tap_ok(r64 == PATTERN_A, "mmio: 8-byte store and load (mov r64)",
	       "read 0x%llx", U(r64));

	r32 = ld32_over_ones(MMIO_ECHO);
	r16 = ld16_over_ones(MMIO_ECHO);
	r8 = ld8_over_ones(MMIO_ECHO);
	tap_ok(r32 == 0x55667788ull && r16 == 0xffffffffffff7788ull &&
	       r8 == 0xffffffffffffff88ull,
	       "mmio: 4/2/1-byte loads (mov r32/r16/r8)",
	       "r32 0x%llx r16 0x%llx r8 0x%llx", U(r32), U(r16), U(r8));

	zb = ldzx8(MMIO_ECHO);
	zw = ldzx16(MMIO_ECHO);
	tap_ok(zb == 0x88 && zw == 0x7788, "mmio: movzx byte and word loads",
	       "movzb 0x%x movzw 0x%x", zb, zw);

	st64(MMIO_ECHO, PATTERN_B);
	sb = ldsx8(MMIO_ECHO);
	sw = ldsx16(MMIO_ECHO);
	tap_ok(sb == 0xffffffffffffff99ull && sw == 0xffffffffffff8899ull,
	       "mmio: movsx byte and word loads",
	       "movsb 0x%llx movsw 0x%llx", U(sb), U(sw));

	st64_rex(MMIO_ECHO, PATTERN_A);
	rex = ld64_sib(MMIO_BASE, 1);
	ah = ld8_ah(MMIO_ECHO);
	tap_ok(rex == PATTERN_A && ah == 0x8811,
	       "mmio: REX high registers, SIB+disp8 addressing, load into AH",
	       "r13->(r9) then SIB 0x%llx, ah load 0x%llx", U(rex), U(ah));

	st64_imm(MMIO_ECHO);
	imm = ld64(MMIO_ECHO);
	tap_ok(imm == (uint64_t)STORE_IMM, "mmio: mov imm32 store (sign-extended)",
	       "read 0x%llx", U(imm));

	m1 = ld64(MMIO_MAGIC);
	st64(MMIO_MAGIC, 0);
	m2 = ld64(MMIO_MAGIC);
	tap_ok(m1 == HXEN_TESTDEV_MAGIC && m2 == HXEN_TESTDEV_MAGIC,
	       "mmio: magic at offset 8, read-only",
	       "read 0x%llx, after write 0x%llx", U(m1), U(m2));

	st64(MMIO_ECHO, PATTERN_A);
	st64(MMIO_BASE + 0x10, 0);
	un64 = ld64(MMIO_BASE + 0x10);
	un32 = ld32(MMIO_BASE + 0x800);
	un8 = ld8(MMIO_BASE + HXEN_TESTDEV_MMIO_SIZE - 1);
	echo = ld64(MMIO_ECHO);
	tap_ok(un64 == ~0ull && un32 == ~0u && un8 == 0xff && echo == PATTERN_A,
	       "mmio: other offsets read all-ones, writes ignored",
	       "+0x10 0x%llx +0x800 0x%x +0xfff 0x%x echo 0x%llx",
	       U(un64), un32, un8, U(echo));
}

const struct tg_check tg_check_mmio = { "mmio", 8, run_mmio };
