// SPDX-License-Identifier: GPL-2.0
/* MMIO instruction decoder (kmod/hx_decode.c): byte sequences -> fields. */
#include "unit.h"
#include "hx_decode.h"

struct dcase {
	const char *name;
	u8 bytes[15];
	u32 n;
	int mode;
	u8 len, dir, mem_size, reg_size, reg, high8, sext, has_imm;
	u64 imm;
	u8 seg;
};

static const struct dcase cases[] = {
	/* mov %eax,(%rbx) */
	{ "89 /r store", { 0x89, 0x03 }, 2, HX_MODE_64, 2, HX_DEC_STORE, 4, 4, 0, 0, 0, 0, 0, HX_SEG_NONE },
	/* mov %r9,0x10(%rax) : REX.WR 89 49 10 */
	{ "REX.WR disp8", { 0x4c, 0x89, 0x48, 0x10 }, 4, HX_MODE_64, 4, HX_DEC_STORE, 8, 8, 9, 0, 0, 0, 0, HX_SEG_NONE },
	/* mov 0x12345678(%rip),%ecx : 8B 0D disp32 */
	{ "rip-relative load", { 0x8b, 0x0d, 0x78, 0x56, 0x34, 0x12 }, 6, HX_MODE_64, 6, HX_DEC_LOAD, 4, 4, 1, 0, 0, 0, 0, HX_SEG_NONE },
	/* mov (%rax,%rbx,4),%dx : 66 8B 14 98 */
	{ "66 SIB load", { 0x66, 0x8b, 0x14, 0x98 }, 4, HX_MODE_64, 4, HX_DEC_LOAD, 2, 2, 2, 0, 0, 0, 0, HX_SEG_NONE },
	/* mov %ah,(%rdi) : 88 27 -> AH */
	{ "high8 store", { 0x88, 0x27 }, 2, HX_MODE_64, 2, HX_DEC_STORE, 1, 1, 0, 1, 0, 0, 0, HX_SEG_NONE },
	/* mov %spl,(%rdi) : 40 88 27 -> SPL (reg 4), not AH */
	{ "REX byte reg", { 0x40, 0x88, 0x27 }, 3, HX_MODE_64, 3, HX_DEC_STORE, 1, 1, 4, 0, 0, 0, 0, HX_SEG_NONE },
	/* movl $0x12345678,0x10(%rbx) : C7 43 10 imm32 */
	{ "C7 imm32", { 0xc7, 0x43, 0x10, 0x78, 0x56, 0x34, 0x12 }, 7, HX_MODE_64, 7, HX_DEC_STORE, 4, 4, 0, 0, 0, 1, 0x12345678, HX_SEG_NONE },
	/* movq $-1,(%rax) : 48 C7 00 ff ff ff ff -> sign-extended */
	{ "REX.W C7 sext imm", { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff }, 7, HX_MODE_64, 7, HX_DEC_STORE, 8, 8, 0, 0, 0, 1, ~0ULL, HX_SEG_NONE },
	/* movb $0x5a,(%rcx) : C6 01 5a */
	{ "C6 imm8", { 0xc6, 0x01, 0x5a }, 3, HX_MODE_64, 3, HX_DEC_STORE, 1, 1, 0, 0, 0, 1, 0x5a, HX_SEG_NONE },
	/* movw $0x1234,(%eax) 32-bit mode: 66 C7 00 34 12 */
	{ "66 C7 imm16 (32-bit)", { 0x66, 0xc7, 0x00, 0x34, 0x12 }, 5, HX_MODE_32, 5, HX_DEC_STORE, 2, 2, 0, 0, 0, 1, 0x1234, HX_SEG_NONE },
	/* movzbl 0x10000004,%ecx (32-bit): 0F B6 0D disp32 */
	{ "movzx byte", { 0x0f, 0xb6, 0x0d, 0x04, 0, 0, 0x10 }, 7, HX_MODE_32, 7, HX_DEC_LOAD, 1, 4, 1, 0, 0, 0, 0, HX_SEG_NONE },
	/* movswq (%rsi),%rax: 48 0F BF 06 */
	{ "movsx word REX.W", { 0x48, 0x0f, 0xbf, 0x06 }, 4, HX_MODE_64, 4, HX_DEC_LOAD, 2, 8, 0, 0, 1, 0, 0, HX_SEG_NONE },
	/* mov 0x1234,%al (moffs, 64-bit: 8-byte offset) A0 */
	{ "A0 moffs64", { 0xa0, 0x34, 0x12, 0, 0, 0, 0, 0, 0 }, 9, HX_MODE_64, 9, HX_DEC_LOAD, 1, 1, 0, 0, 0, 0, 0, HX_SEG_NONE },
	/* mov %eax,moffs32 (32-bit): A3 4 bytes */
	{ "A3 moffs32", { 0xa3, 0x00, 0x00, 0xc0, 0xfe }, 5, HX_MODE_32, 5, HX_DEC_STORE, 4, 4, 0, 0, 0, 0, 0, HX_SEG_NONE },
	/* fs mov (%bx),%ax in 16-bit mode: 64 8B 07 */
	{ "16-bit fs: (bx)", { 0x64, 0x8b, 0x07 }, 3, HX_MODE_16, 3, HX_DEC_LOAD, 2, 2, 0, 0, 0, 0, 0, 4 },
	/* 16-bit: mov [bp+di+0x1234], cx -> 89 8B 34 12 */
	{ "16-bit disp16", { 0x89, 0x8b, 0x34, 0x12 }, 4, HX_MODE_16, 4, HX_DEC_STORE, 2, 2, 1, 0, 0, 0, 0, HX_SEG_NONE },
	/* 16-bit: mov [0x1234], ax : 89 06 34 12 (mod 0 rm 6 = disp16) */
	{ "16-bit direct", { 0x89, 0x06, 0x34, 0x12 }, 4, HX_MODE_16, 4, HX_DEC_STORE, 2, 2, 0, 0, 0, 0, 0, HX_SEG_NONE },
	/* SIB with no base: mov %eax,0x1000(,%rcx,8) : 89 04 CD disp32 */
	{ "SIB no base", { 0x89, 0x04, 0xcd, 0, 0x10, 0, 0 }, 7, HX_MODE_64, 7, HX_DEC_STORE, 4, 4, 0, 0, 0, 0, 0, HX_SEG_NONE },
	/* mod 2: mov 0x100(%r12),%r15 : 4D 8B BC 24 00 01 00 00 */
	{ "r12 SIB disp32", { 0x4d, 0x8b, 0xbc, 0x24, 0, 1, 0, 0 }, 8, HX_MODE_64, 8, HX_DEC_LOAD, 8, 8, 15, 0, 0, 0, 0, HX_SEG_NONE },
};

static void test_cases(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct dcase *c = &cases[i];
		struct hx_insn in;
		int ret = hx_decode(c->bytes, c->n, c->mode, &in);

		CU_ASSERT_EQUAL_FATAL(ret, 0);
		if (in.len != c->len || in.dir != c->dir || in.mem_size != c->mem_size ||
		    in.reg_size != c->reg_size || in.reg != c->reg || in.high8 != c->high8 ||
		    in.sext != c->sext || in.has_imm != c->has_imm || in.seg != c->seg ||
		    (c->has_imm && in.imm != c->imm))
			fprintf(stderr, "decode case '%s' mismatch: len %u dir %u msz %u rsz %u reg %u\n",
				c->name, in.len, in.dir, in.mem_size, in.reg_size, in.reg);
		CU_ASSERT_EQUAL(in.len, c->len);
		CU_ASSERT_EQUAL(in.dir, c->dir);
		CU_ASSERT_EQUAL(in.mem_size, c->mem_size);
		CU_ASSERT_EQUAL(in.reg_size, c->reg_size);
		CU_ASSERT_EQUAL(in.reg, c->reg);
		CU_ASSERT_EQUAL(in.high8, c->high8);
		CU_ASSERT_EQUAL(in.sext, c->sext);
		CU_ASSERT_EQUAL(in.has_imm, c->has_imm);
		CU_ASSERT_EQUAL(in.seg, c->seg);
		if (c->has_imm)
			CU_ASSERT_EQUAL(in.imm, c->imm);
	}
}

static void test_rejects(void)
{
	static const u8 reg_operand[] = { 0x89, 0xc3 };		/* mov %eax,%ebx */
	static const u8 add[] = { 0x01, 0x03 };			/* add: unsupported */
	static const u8 c7_not0[] = { 0xc7, 0x08, 0, 0, 0, 0 };	/* C7 /1 */
	static const u8 truncated[] = { 0xc7, 0x43, 0x10, 0x78 };
	static const u8 prefixes[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03 };
	struct hx_insn in;

	CU_ASSERT_EQUAL(hx_decode(reg_operand, 2, HX_MODE_64, &in), -EINVAL);
	CU_ASSERT_EQUAL(hx_decode(add, 2, HX_MODE_64, &in), -EINVAL);
	CU_ASSERT_EQUAL(hx_decode(c7_not0, 6, HX_MODE_64, &in), -EINVAL);
	CU_ASSERT_EQUAL(hx_decode(truncated, 4, HX_MODE_64, &in), -ENODATA);
	CU_ASSERT_EQUAL(hx_decode(truncated, 0, HX_MODE_64, &in), -ENODATA);
	/* longer than 15 bytes */
	CU_ASSERT_NOT_EQUAL(hx_decode(prefixes, 16, HX_MODE_64, &in), 0);
}

static void test_string_io_prefixes(void)
{
	static const u8 rep_outsb[] = { 0xf3, 0x6e };
	static const u8 fs_outsw[] = { 0x64, 0x66, 0xf3, 0x6f };
	static const u8 a32_insb64[] = { 0x67, 0xf3, 0x6c };
	static const u8 not_string[] = { 0xee };
	u8 seg, asz;

	CU_ASSERT_EQUAL(hx_decode_string_io(rep_outsb, 2, HX_MODE_32, &seg, &asz), 0);
	CU_ASSERT_EQUAL(seg, HX_SEG_NONE);
	CU_ASSERT_EQUAL(asz, 4);
	CU_ASSERT_EQUAL(hx_decode_string_io(fs_outsw, 4, HX_MODE_16, &seg, &asz), 0);
	CU_ASSERT_EQUAL(seg, 4);
	CU_ASSERT_EQUAL(asz, 2);
	CU_ASSERT_EQUAL(hx_decode_string_io(a32_insb64, 3, HX_MODE_64, &seg, &asz), 0);
	CU_ASSERT_EQUAL(asz, 4);
	CU_ASSERT_EQUAL(hx_decode_string_io(not_string, 1, HX_MODE_64, &seg, &asz), -EINVAL);
}

static const CU_TestInfo decode_tests[] = {
	{ "MOV/MOVZX/MOVSX forms", test_cases },
	{ "unsupported and truncated", test_rejects },
	{ "string I/O prefixes", test_string_io_prefixes },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(kmod_decode, decode_tests);
