// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walker; see hx_pgwalk.h.  Paging structures follow
 * Intel SDM vol. 3A ch. 4 / AMD APM vol. 2 ch. 5.
 */
#include "hx_pgwalk.h"

#define W_CR0_WP			(1ULL << 16)
#define W_CR0_PG			(1ULL << 31)
#define W_CR4_PSE			(1ULL << 4)
#define W_CR4_PAE			(1ULL << 5)
#define W_CR4_LA57		(1ULL << 12)
#define W_EFER_LMA		(1ULL << 10)
#define W_EFER_NXE		(1ULL << 11)

#define PTE_P			(1ULL << 0)
#define PTE_RW			(1ULL << 1)
#define PTE_US			(1ULL << 2)
#define PTE_PS			(1ULL << 7)
#define PTE_XD			(1ULL << 63)
#define PTE_ADDR		0x000ffffffffff000ULL	/* bits 51:12 */

/* Rights accumulated over the levels of one walk. */
struct walk_acc {
	bool user;		/* all levels allow user access */
	bool write;		/* all levels allow writes */
	bool nx;		/* some level forbids execution */
};

static u32 pf_bits(const struct hx_walk_ctx *ctx, int access)
{
	u32 ec = 0;

	if (access & HX_ACC_WRITE)
		ec |= HX_PF_W;
	if (ctx->cpl == 3)
		ec |= HX_PF_U;
	if ((access & HX_ACC_FETCH) && (ctx->efer & W_EFER_NXE))
		ec |= HX_PF_I;
	return ec;
}

static int fault(const struct hx_walk_ctx *ctx, int access, u32 extra,
		 struct hx_walk_result *res)
{
	res->pf_error = pf_bits(ctx, access) | extra;
	return -ENOENT;
}

static void acc_add(struct walk_acc *a, u64 pte, bool has_xd)
{
	a->user = a->user && (pte & PTE_US);
	a->write = a->write && (pte & PTE_RW);
	if (has_xd && (pte & PTE_XD))
		a->nx = true;
}

/* Permission checks on the final rights [SDM 4.6]. */
static int check_rights(const struct hx_walk_ctx *ctx, int access,
			const struct walk_acc *a, struct hx_walk_result *res)
{
	bool user = ctx->cpl == 3;

	if (user && !a->user)
		return fault(ctx, access, HX_PF_P, res);
	if ((access & HX_ACC_WRITE) && !a->write &&
	    (user || (ctx->cr0 & W_CR0_WP)))
		return fault(ctx, access, HX_PF_P, res);
	if ((access & HX_ACC_FETCH) && a->nx && (ctx->efer & W_EFER_NXE))
		return fault(ctx, access, HX_PF_P, res);
	return 0;
}

static int read_entry(const struct hx_walk_ctx *ctx, u64 gpa, u32 size, u64 *val)
{
	u64 v = 0;

	if (ctx->read_gpa(ctx->opaque, gpa, &v, size))
		return -EFAULT;
	*val = v;	/* little endian: a 4-byte entry fills the low half */
	return 0;
}

/* 4-level and 5-level long-mode paging, and PAE (3 levels, 32-bit VA). */
static int walk_64(const struct hx_walk_ctx *ctx, u64 gva, int access,
		   struct hx_walk_result *res)
{
	struct walk_acc a = { true, true, false };
	bool nxe = ctx->efer & W_EFER_NXE;
	bool pae = !(ctx->efer & W_EFER_LMA);
	int levels, level;
	u64 table, pte;

	if (pae) {
		/* PDPTE: 4 entries at CR3[31:5]; no RW/US/XD rights there. */
		gva &= 0xffffffffULL;
		if (read_entry(ctx, (ctx->cr3 & 0xffffffe0ULL) + ((gva >> 30) & 3) * 8,
			       8, &pte))
			return -EFAULT;
		if (!(pte & PTE_P))
			return fault(ctx, access, 0, res);
		table = pte & PTE_ADDR;
		levels = 2;
	} else {
		unsigned int va_bits;

		levels = (ctx->cr4 & W_CR4_LA57) ? 5 : 4;
		va_bits = levels == 5 ? 57 : 48;
		if (hx_sext(gva, va_bits) != gva)
			return -EINVAL;
		table = ctx->cr3 & PTE_ADDR;
	}

	for (level = levels; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		u64 idx = (gva >> shift) & 511;

		if (read_entry(ctx, table + idx * 8, 8, &pte))
			return -EFAULT;
		if (!(pte & PTE_P))
			return fault(ctx, access, 0, res);
		if (!nxe && (pte & PTE_XD))
			return fault(ctx, access, HX_PF_P | HX_PF_RSVD, res);
		acc_add(&a, pte, nxe);
		if (pte & PTE_PS) {
			/* PS is reserved in PML5E/PML4E; 1G needs long mode. */
			if (level >= 4 || (level == 3 && pae))
				return fault(ctx, access, HX_PF_P | HX_PF_RSVD, res);
			if (level == 3 || level == 2) {
				u64 psize = 1ULL << shift;
				u64 base = pte & PTE_ADDR & ~(psize - 1);

				res->gpa = base | (gva & (psize - 1));
				res->page_size = psize;
				res->level = level;
				return check_rights(ctx, access, &a, res);
			}
			/* PTE bit 7 is PAT: fall through as a 4K leaf. */
		}
		if (level == 1) {
			res->gpa = (pte & PTE_ADDR) | (gva & 0xfff);
			res->page_size = 4096;
			res->level = 1;
			return check_rights(ctx, access, &a, res);
		}
		table = pte & PTE_ADDR;
	}
	return -EFAULT;	/* not reached */
}

/* Legacy 32-bit paging, 4-byte entries, 4 MiB pages with CR4.PSE. */
static int walk_32(const struct hx_walk_ctx *ctx, u64 gva, int access,
		   struct hx_walk_result *res)
{
	struct walk_acc a = { true, true, false };
	u64 pde, pte;

	gva &= 0xffffffffULL;
	if (read_entry(ctx, (ctx->cr3 & 0xfffff000ULL) + ((gva >> 22) & 0x3ff) * 4,
		       4, &pde))
		return -EFAULT;
	if (!(pde & PTE_P))
		return fault(ctx, access, 0, res);
	acc_add(&a, pde, false);
	if ((pde & PTE_PS) && (ctx->cr4 & W_CR4_PSE)) {
		/* PSE-36: PDE bits 20:13 are physical address bits 39:32. */
		u64 base = (pde & 0xffc00000ULL) | (((pde >> 13) & 0xff) << 32);

		res->gpa = base | (gva & 0x3fffff);
		res->page_size = 4ULL << 20;
		res->level = 2;
		return check_rights(ctx, access, &a, res);
	}
	if (read_entry(ctx, (pde & 0xfffff000ULL) + ((gva >> 12) & 0x3ff) * 4, 4, &pte))
		return -EFAULT;
	if (!(pte & PTE_P))
		return fault(ctx, access, 0, res);
	acc_add(&a, pte, false);
	res->gpa = (pte & 0xfffff000ULL) | (gva & 0xfff);
	res->page_size = 4096;
	res->level = 1;
	return check_rights(ctx, access, &a, res);
}

int hx_gva_walk(const struct hx_walk_ctx *ctx, u64 gva, int access,
		struct hx_walk_result *res)
{
	res->pf_error = 0;
	if (!(ctx->cr0 & W_CR0_PG)) {
		/* No paging: linear = physical (20/32-bit wrap is the caller's). */
		res->gpa = gva;
		res->page_size = 4096;
		res->level = 0;
		return 0;
	}
	if ((ctx->efer & W_EFER_LMA) || (ctx->cr4 & W_CR4_PAE))
		return walk_64(ctx, gva, access, res);
	return walk_32(ctx, gva, access, res);
}

int hx_gva_to_gpa(const struct hx_walk_ctx *ctx, u64 gva, int access, u64 *gpa)
{
	struct hx_walk_result res;
	int ret = hx_gva_walk(ctx, gva, access, &res);

	if (!ret)
		*gpa = res.gpa;
	return ret;
}

/* Copy page by page: each page of the range is translated on its own. */
static int copy_guest(const struct hx_walk_ctx *ctx, u64 gva, void *buf,
		      u32 len, int access)
{
	u8 *p = buf;

	while (len) {
		u32 chunk = 4096 - (gva & 0xfff);
		u64 gpa;
		int ret;

		if (chunk > len)
			chunk = len;
		ret = hx_gva_to_gpa(ctx, gva, access, &gpa);
		if (ret)
			return ret;
		if (access & HX_ACC_WRITE)
			ret = ctx->write_gpa ? ctx->write_gpa(ctx->opaque, gpa, p, chunk)
					     : -EFAULT;
		else
			ret = ctx->read_gpa(ctx->opaque, gpa, p, chunk);
		if (ret)
			return -EFAULT;
		p += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int hx_copy_from_guest(const struct hx_walk_ctx *ctx, void *dst, u64 gva, u32 len)
{
	return copy_guest(ctx, gva, dst, len, HX_ACC_READ);
}

int hx_copy_to_guest(const struct hx_walk_ctx *ctx, u64 gva, const void *src, u32 len)
{
	return copy_guest(ctx, gva, (void *)src, len, HX_ACC_WRITE);
}

int hx_fetch_guest(const struct hx_walk_ctx *ctx, void *dst, u64 gva, u32 len)
{
	return copy_guest(ctx, gva, dst, len, HX_ACC_FETCH);
}
