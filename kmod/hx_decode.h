/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 instruction decoder for MMIO emulation (host independent).  Only
 * the forms compilers and drivers use for device registers are decoded:
 *   88/89/8A/8B  MOV r/m,r / r,r/m      C6/C7 /0  MOV r/m,imm
 *   A0-A3        MOV AL/eAX <-> moffs   0F B6/B7/BE/BF  MOVZX/MOVSX
 * with 66/67/REX/segment/LOCK/REP prefixes, ModRM, SIB and displacement.
 * The memory operand's address is not computed: the nested page fault
 * already gave the guest-physical address.
 */
#ifndef HX_DECODE_H
#define HX_DECODE_H

#include "hx_os.h"

#define HX_INSN_MAX_LEN		15

/* CPU mode for default operand/address sizes. */
#define HX_MODE_16		2
#define HX_MODE_32		4
#define HX_MODE_64		8

#define HX_DEC_LOAD		0	/* memory -> register */
#define HX_DEC_STORE		1	/* register/immediate -> memory */

#define HX_SEG_NONE		0xff	/* no segment override prefix */

struct hx_insn {
	u8 len;			/* total bytes */
	u8 dir;			/* HX_DEC_LOAD / HX_DEC_STORE */
	u8 mem_size;		/* bytes read/written in memory: 1, 2, 4, 8 */
	u8 reg_size;		/* register operand size (> mem_size for MOVZX/MOVSX) */
	u8 reg;			/* GPR 0=RAX .. 15=R15 */
	u8 high8;		/* register is AH/CH/DH/BH (reg = 0..3) */
	u8 sext;		/* MOVSX: sign-extend the loaded value */
	u8 has_imm;		/* store of @imm instead of a register */
	u8 seg;			/* 0=ES 1=CS 2=SS 3=DS 4=FS 5=GS, HX_SEG_NONE */
	u8 addr_size;		/* 2, 4, 8 */
	u8 opcode;		/* last opcode byte, for messages */
	u8 pad;
	u64 imm;		/* already sign-extended to mem_size */
};

/*
 * Decode the instruction in @buf (@avail bytes valid).  Returns 0, or
 * -EINVAL for an unsupported instruction / register-only operand, or
 * -ENODATA when @avail is too short.
 */
int hx_decode(const u8 *buf, u32 avail, int mode, struct hx_insn *insn);

/*
 * Prefixes of a string I/O instruction (INS/OUTS): segment override
 * (HX_SEG_NONE if none) and effective address size (2, 4, 8).  SVM
 * reports these in EXITINFO1 only with decode assists.  Returns 0, or
 * -EINVAL if no INS/OUTS opcode (6C-6F) follows the prefixes.
 */
int hx_decode_string_io(const u8 *buf, u32 avail, int mode, u8 *seg, u8 *addr_size);

#endif /* HX_DECODE_H */
