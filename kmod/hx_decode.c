// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO instruction decoder; opcode and ModRM/SIB encodings from the Intel
 * SDM vol. 2 (ch. 2 and the MOV/MOVZX/MOVSX pages).
 */
#include "hx_decode.h"

enum op_form {
	F_NONE = 0,
	F_MODRM_STORE,		/* 88/89: r/m <- reg */
	F_MODRM_LOAD,		/* 8A/8B: reg <- r/m */
	F_MODRM_IMM,		/* C6/C7 /0 */
	F_MOFFS_LOAD,		/* A0/A1 */
	F_MOFFS_STORE,		/* A2/A3 */
	F_MOVX,			/* 0F B6/B7/BE/BF */
};

struct op_desc {
	u8 form;
	u8 byte_op;		/* operand is 8 bits */
};

static const struct op_desc one_byte[256] = {
	[0x88] = { F_MODRM_STORE, 1 }, [0x89] = { F_MODRM_STORE, 0 },
	[0x8a] = { F_MODRM_LOAD, 1 },  [0x8b] = { F_MODRM_LOAD, 0 },
	[0xc6] = { F_MODRM_IMM, 1 },   [0xc7] = { F_MODRM_IMM, 0 },
	[0xa0] = { F_MOFFS_LOAD, 1 },  [0xa1] = { F_MOFFS_LOAD, 0 },
	[0xa2] = { F_MOFFS_STORE, 1 }, [0xa3] = { F_MOFFS_STORE, 0 },
};

struct cursor {
	const u8 *buf;
	u32 avail;
	u32 pos;
};

static int take(struct cursor *c, u32 n, u64 *val)
{
	u64 v = 0;

	if (c->pos + n > c->avail || c->pos + n > HX_INSN_MAX_LEN)
		return -ENODATA;
	for (u32 i = 0; i < n; i++)
		v |= (u64)c->buf[c->pos + i] << (8 * i);
	c->pos += n;
	if (val)
		*val = v;
	return 0;
}

static int seg_prefix(u8 b)
{
	switch (b) {
	case 0x26: return 0;	/* ES */
	case 0x2e: return 1;	/* CS */
	case 0x36: return 2;	/* SS */
	case 0x3e: return 3;	/* DS */
	case 0x64: return 4;	/* FS */
	case 0x65: return 5;	/* GS */
	default: return -1;
	}
}

/* Skip the ModRM memory operand (SIB, displacement). mod == 3 is rejected. */
static int skip_modrm_mem(struct cursor *c, u8 modrm, u8 addr_size)
{
	u8 mod = modrm >> 6, rm = modrm & 7;
	u64 sib;
	int ret;

	if (mod == 3)
		return -EINVAL;		/* register operand: cannot be MMIO */
	if (addr_size == 2) {
		if (mod == 1)
			return take(c, 1, NULL);
		if (mod == 2 || (mod == 0 && rm == 6))
			return take(c, 2, NULL);
		return 0;
	}
	if (rm == 4) {
		ret = take(c, 1, &sib);
		if (ret)
			return ret;
		/* SIB base 101 with mod 00: disp32, no base. */
		if (mod == 0 && (sib & 7) == 5)
			return take(c, 4, NULL);
	} else if (mod == 0 && rm == 5) {
		return take(c, 4, NULL);	/* disp32 / RIP-relative */
	}
	if (mod == 1)
		return take(c, 1, NULL);
	if (mod == 2)
		return take(c, 4, NULL);
	return 0;
}

/* Register operand from ModRM.reg: REX.R extends, no-REX 4..7 = AH..BH. */
static void set_reg(struct hx_insn *insn, u8 modrm, u8 rex, bool byte_reg)
{
	u8 reg = (modrm >> 3) & 7;

	if (byte_reg && !rex && reg >= 4) {
		insn->reg = reg - 4;
		insn->high8 = 1;
		return;
	}
	insn->reg = reg | ((rex & 4) ? 8 : 0);
}

int hx_decode(const u8 *buf, u32 avail, int mode, struct hx_insn *insn)
{
	struct cursor c = { buf, avail, 0 };
	bool opsize = false, addrsize = false;
	const struct op_desc *d;
	u8 rex = 0, op, size;
	u64 b, modrm;
	int ret, s;

	memset(insn, 0, sizeof(*insn));
	insn->seg = HX_SEG_NONE;

	/* Legacy prefixes, then (64-bit mode) REX immediately before the opcode. */
	for (;;) {
		ret = take(&c, 1, &b);
		if (ret)
			return ret;
		s = seg_prefix((u8)b);
		if (s >= 0) {
			insn->seg = (u8)s;
		} else if (b == 0x66) {
			opsize = true;
		} else if (b == 0x67) {
			addrsize = true;
		} else if (b == 0xf0 || b == 0xf2 || b == 0xf3) {
			/* LOCK/REP: meaningless for MOV to MMIO, tolerated */
		} else if (mode == HX_MODE_64 && (b & 0xf0) == 0x40) {
			rex = (u8)b;
			ret = take(&c, 1, &b);
			if (ret)
				return ret;
			/* A prefix after REX cancels the REX; keep it simple: reject. */
			if ((b & 0xf0) == 0x40 || seg_prefix((u8)b) >= 0 ||
			    b == 0x66 || b == 0x67)
				return -EINVAL;
			break;
		} else {
			break;
		}
	}
	op = (u8)b;
	insn->opcode = op;

	if (mode == HX_MODE_64)
		insn->addr_size = addrsize ? 4 : 8;
	else if (mode == HX_MODE_32)
		insn->addr_size = addrsize ? 2 : 4;
	else
		insn->addr_size = addrsize ? 4 : 2;

	if (rex & 8)
		size = 8;
	else if (mode == HX_MODE_16)
		size = opsize ? 4 : 2;
	else
		size = opsize ? 2 : 4;

	if (op == 0x0f) {
		ret = take(&c, 1, &b);
		if (ret)
			return ret;
		insn->opcode = (u8)b;
		if (b != 0xb6 && b != 0xb7 && b != 0xbe && b != 0xbf)
			return -EINVAL;
		ret = take(&c, 1, &modrm);
		if (ret)
			return ret;
		insn->dir = HX_DEC_LOAD;
		insn->mem_size = (b & 1) ? 2 : 1;
		insn->reg_size = size;
		insn->sext = b >= 0xbe;
		set_reg(insn, (u8)modrm, rex, false);
		ret = skip_modrm_mem(&c, (u8)modrm, insn->addr_size);
		if (ret)
			return ret;
		insn->len = (u8)c.pos;
		return 0;
	}

	d = &one_byte[op];
	if (d->byte_op)
		size = 1;
	insn->mem_size = size;
	insn->reg_size = size;

	switch (d->form) {
	case F_MODRM_STORE:
	case F_MODRM_LOAD:
		ret = take(&c, 1, &modrm);
		if (ret)
			return ret;
		insn->dir = d->form == F_MODRM_LOAD ? HX_DEC_LOAD : HX_DEC_STORE;
		set_reg(insn, (u8)modrm, rex, d->byte_op);
		ret = skip_modrm_mem(&c, (u8)modrm, insn->addr_size);
		break;
	case F_MODRM_IMM: {
		u64 imm;
		u8 isz = size == 8 ? 4 : size;

		ret = take(&c, 1, &modrm);
		if (ret)
			return ret;
		if ((modrm >> 3) & 7)		/* only /0 is MOV */
			return -EINVAL;
		ret = skip_modrm_mem(&c, (u8)modrm, insn->addr_size);
		if (ret)
			return ret;
		ret = take(&c, isz, &imm);
		if (ret)
			return ret;
		insn->dir = HX_DEC_STORE;
		insn->has_imm = 1;
		/* imm32 is sign-extended to 64 bits with REX.W. */
		insn->imm = hx_trunc(hx_sext(imm, isz * 8), size);
		break;
	}
	case F_MOFFS_LOAD:
	case F_MOFFS_STORE:
		insn->dir = d->form == F_MOFFS_LOAD ? HX_DEC_LOAD : HX_DEC_STORE;
		insn->reg = 0;		/* AL / eAX / RAX */
		ret = take(&c, insn->addr_size, NULL);
		break;
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	insn->len = (u8)c.pos;
	return 0;
}

int hx_decode_string_io(const u8 *buf, u32 avail, int mode, u8 *seg, u8 *addr_size)
{
	bool asize = false;
	u32 i;

	*seg = HX_SEG_NONE;
	for (i = 0; i < avail && i < HX_INSN_MAX_LEN; i++) {
		u8 b = buf[i];
		int s = seg_prefix(b);

		if (s >= 0)
			*seg = (u8)s;
		else if (b == 0x67)
			asize = true;
		else if (b == 0x66 || b == 0xf0 || b == 0xf2 || b == 0xf3)
			continue;
		else if (mode == HX_MODE_64 && (b & 0xf0) == 0x40)
			continue;	/* REX */
		else if (b >= 0x6c && b <= 0x6f)
			break;
		else
			return -EINVAL;
	}
	if (i >= avail || i >= HX_INSN_MAX_LEN)
		return -EINVAL;
	if (mode == HX_MODE_64)
		*addr_size = asize ? 4 : 8;
	else if (mode == HX_MODE_32)
		*addr_size = asize ? 2 : 4;
	else
		*addr_size = asize ? 4 : 2;
	return 0;
}
