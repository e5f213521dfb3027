// SPDX-License-Identifier: GPL-2.0
/*
 * Guest MSR table.  Numbers and reserved bits from the Intel SDM vol. 4
 * and the AMD APM vol. 2 appendix A.  Anything not listed raises #GP in
 * the guest, which is what a CPU does for an MSR it does not implement.
 */
#include "hx_msr.h"

struct msr_desc;
typedef int (*msr_rd_fn)(struct hx_msr_state *st, const struct hx_msr_io *io,
			 const struct msr_desc *d, u32 index, u64 *val);
typedef int (*msr_wr_fn)(struct hx_msr_state *st, const struct hx_msr_io *io,
			 const struct msr_desc *d, u32 index, u64 val);

struct msr_desc {
	u32 first, last;	/* inclusive range of indices */
	msr_rd_fn rd;
	msr_wr_fn wr;
	const char *name;
};

static bool canonical(u64 v)
{
	return hx_sext(v, 48) == v;
}

static u64 phys_mask(const struct hx_msr_io *io)
{
	u32 bits = io->phys_bits ? io->phys_bits : 36;

	return (1ULL << bits) - 1;
}

/* Memory types valid in PAT entries (UC, WC, WT, WP, WB, UC-) and MTRRs. */
static bool pat_type_ok(u8 t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || t == 7;
}

static bool mtrr_type_ok(u8 t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/* --- kept in the VMCB/VMCS --------------------------------------------- */

static int rd_hw(struct hx_msr_state *st, const struct hx_msr_io *io,
		 const struct msr_desc *d, u32 index, u64 *val)
{
	return io->hw_get(io->opaque, index, val) ? -ENOENT : 0;
}

static int wr_hw(struct hx_msr_state *st, const struct hx_msr_io *io,
		 const struct msr_desc *d, u32 index, u64 val)
{
	return io->hw_set(io->opaque, index, val) ? -ENOENT : 0;
}

/* LSTAR, CSTAR, FS/GS/KERNEL_GS base: a non-canonical value is #GP. */
static int wr_hw_canon(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 val)
{
	if (!canonical(val))
		return -EINVAL;
	return wr_hw(st, io, d, index, val);
}

static int wr_sysenter_cs(struct hx_msr_state *st, const struct hx_msr_io *io,
			  const struct msr_desc *d, u32 index, u64 val)
{
	return wr_hw(st, io, d, index, val & 0xffff);
}

static int wr_sfmask(struct hx_msr_state *st, const struct hx_msr_io *io,
		     const struct msr_desc *d, u32 index, u64 val)
{
	if (val >> 32)
		return -EINVAL;
	return wr_hw(st, io, d, index, val);
}

static int wr_efer(struct hx_msr_state *st, const struct hx_msr_io *io,
		   const struct msr_desc *d, u32 index, u64 val)
{
	u64 allowed = HX_EFER_SCE;
	u64 cur;

	if (io->lm)
		allowed |= HX_EFER_LME | HX_EFER_LMA;
	if (io->nx)
		allowed |= HX_EFER_NXE;
	if (val & ~allowed)
		return -EINVAL;
	/* LMA is owned by the processor: a write keeps the current value. */
	if (io->hw_get(io->opaque, index, &cur))
		return -ENOENT;
	val = (val & ~HX_EFER_LMA) | (cur & HX_EFER_LMA);
	return wr_hw(st, io, d, index, val);
}

static int wr_pat(struct hx_msr_state *st, const struct hx_msr_io *io,
		  const struct msr_desc *d, u32 index, u64 val)
{
	for (int i = 0; i < 8; i++)
		if (!pat_type_ok((val >> (8 * i)) & 0xff))
			return -EINVAL;
	return wr_hw(st, io, d, index, val);
}

/* --- kept here ---------------------------------------------------------- */

static int rd_tsc(struct hx_msr_state *st, const struct hx_msr_io *io,
		  const struct msr_desc *d, u32 index, u64 *val)
{
	*val = io->host_tsc(io->opaque) + (u64)st->tsc_offset;
	return 0;
}

/* Writing the TSC moves the offset the hardware adds to RDTSC. */
static int wr_tsc(struct hx_msr_state *st, const struct hx_msr_io *io,
		  const struct msr_desc *d, u32 index, u64 val)
{
	st->tsc_offset = (s64)(val - io->host_tsc(io->opaque));
	io->set_tsc_offset(io->opaque, st->tsc_offset);
	return 0;
}

static int rd_apic_base(struct hx_msr_state *st, const struct hx_msr_io *io,
			const struct msr_desc *d, u32 index, u64 *val)
{
	*val = st->apic_base;
	return 0;
}

static int wr_apic_base(struct hx_msr_state *st, const struct hx_msr_io *io,
			const struct msr_desc *d, u32 index, u64 val)
{
	/* Bits 7:0 and 9 are reserved, as is x2APIC mode (bit 10, hidden). */
	u64 rsvd = 0x6ffULL | ~phys_mask(io);

	if (val & rsvd)
		return -EINVAL;
	/* BSP is read-only. */
	st->apic_base = (val & ~HX_APIC_BASE_BSP) | (st->apic_base & HX_APIC_BASE_BSP);
	return 0;
}

/* VCNT=8, FIX=1, WC=1 [SDM 11.11.1]. */
static int rd_mtrr_cap(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 *val)
{
	*val = HX_MTRR_VAR_COUNT | (1ULL << 8) | (1ULL << 10);
	return 0;
}

static int rd_misc_enable(struct hx_msr_state *st, const struct hx_msr_io *io,
			  const struct msr_desc *d, u32 index, u64 *val)
{
	*val = st->misc_enable;
	return 0;
}

/*
 * Only fast-strings (bit 0) and the read-only BTS/PEBS-unavailable bits
 * (11, 12) mean anything here; other bits are accepted and ignored as long
 * as they keep their value, like on hardware that does not implement them.
 */
static int wr_misc_enable(struct hx_msr_state *st, const struct hx_msr_io *io,
			  const struct msr_desc *d, u32 index, u64 val)
{
	u64 ro = (1ULL << 11) | (1ULL << 12);

	if ((val & ro) != (st->misc_enable & ro))
		return -EINVAL;
	st->misc_enable = val;
	return 0;
}

static int rd_debugctl(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 *val)
{
	*val = 0;
	return 0;
}

/* No LBR/BTF virtualization: only 0 is accepted. */
static int wr_debugctl(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 val)
{
	return val ? -EINVAL : 0;
}

static u64 *mtrr_fixed_slot(struct hx_msr_state *st, u32 index)
{
	if (index == HX_MSR_MTRR_FIX64K)
		return &st->mtrr_fixed[0];
	if (index == HX_MSR_MTRR_FIX16K_80)
		return &st->mtrr_fixed[1];
	if (index == HX_MSR_MTRR_FIX16K_A0)
		return &st->mtrr_fixed[2];
	if (index >= HX_MSR_MTRR_FIX4K_C0 && index <= HX_MSR_MTRR_FIX4K_C0 + 7)
		return &st->mtrr_fixed[3 + index - HX_MSR_MTRR_FIX4K_C0];
	return NULL;
}

static int rd_mtrr_fix(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 *val)
{
	u64 *p = mtrr_fixed_slot(st, index);

	if (!p)
		return -ENOENT;
	*val = *p;
	return 0;
}

static int wr_mtrr_fix(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 val)
{
	u64 *p = mtrr_fixed_slot(st, index);

	if (!p)
		return -ENOENT;
	for (int i = 0; i < 8; i++)
		if (!mtrr_type_ok((val >> (8 * i)) & 0xff))
			return -EINVAL;
	*p = val;
	return 0;
}

static int rd_mtrr_var(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 *val)
{
	*val = st->mtrr_var[index - HX_MSR_MTRR_VAR0];
	return 0;
}

static int wr_mtrr_var(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 val)
{
	u32 n = index - HX_MSR_MTRR_VAR0;
	u64 rsvd;

	if (n & 1)	/* PHYSMASK: bit 11 valid, 51:12 mask */
		rsvd = ~(phys_mask(io) & ~0xfffULL) & ~(1ULL << 11);
	else		/* PHYSBASE: bits 7:0 type, 51:12 base */
		rsvd = ~(phys_mask(io) & ~0xfffULL) & ~0xffULL;
	if (val & rsvd)
		return -EINVAL;
	if (!(n & 1) && !mtrr_type_ok(val & 0xff))
		return -EINVAL;
	st->mtrr_var[n] = val;
	return 0;
}

static int rd_mtrr_def(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 *val)
{
	*val = st->mtrr_def_type;
	return 0;
}

/* Bits 7:0 default type, 10 FE, 11 E; the rest reserved. */
static int wr_mtrr_def(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 val)
{
	if ((val & ~0xcffULL) || !mtrr_type_ok(val & 0xff))
		return -EINVAL;
	st->mtrr_def_type = val;
	return 0;
}

static int rd_tsc_aux(struct hx_msr_state *st, const struct hx_msr_io *io,
		      const struct msr_desc *d, u32 index, u64 *val)
{
	*val = st->tsc_aux;
	return 0;
}

static int wr_tsc_aux(struct hx_msr_state *st, const struct hx_msr_io *io,
		      const struct msr_desc *d, u32 index, u64 val)
{
	if (val >> 32)
		return -EINVAL;
	st->tsc_aux = val;
	return 0;
}

static int wr_readonly(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 val)
{
	return -EINVAL;
}

/*
 * AMD system-configuration MSRs (APM vol. 2 app. A; BKDG fam 10h-16h):
 * SYSCFG, TOP_MEM1/2, NB_CFG, MMIO_CONF_BASE.  They describe the host's
 * memory controller and northbridge, which a guest must not see or change.
 * Linux reads SYSCFG when it checks the MTRRs and sets NB_CFG's extended
 * CF8 bit on family 10h+; both expect the MSRs to exist on AMD.  They read
 * as 0 (no TOM2, no MMCONFIG) and ignore writes, as under Xen and KVM.  On
 * Intel they do not exist: #GP.
 */
static int rd_amd_zero(struct hx_msr_state *st, const struct hx_msr_io *io,
		       const struct msr_desc *d, u32 index, u64 *val)
{
	if (!io->amd)
		return -ENOENT;
	*val = 0;
	return 0;
}

static int wr_amd_ignore(struct hx_msr_state *st, const struct hx_msr_io *io,
			 const struct msr_desc *d, u32 index, u64 val)
{
	return io->amd ? 0 : -ENOENT;
}

static const struct msr_desc msr_table[] = {
	{ HX_MSR_TSC, HX_MSR_TSC, rd_tsc, wr_tsc, "TSC" },
	{ HX_MSR_APIC_BASE, HX_MSR_APIC_BASE, rd_apic_base, wr_apic_base, "APIC_BASE" },
	{ HX_MSR_MTRR_CAP, HX_MSR_MTRR_CAP, rd_mtrr_cap, wr_readonly, "MTRRcap" },
	{ HX_MSR_SYSENTER_CS, HX_MSR_SYSENTER_CS, rd_hw, wr_sysenter_cs, "SYSENTER_CS" },
	{ HX_MSR_SYSENTER_ESP, HX_MSR_SYSENTER_EIP, rd_hw, wr_hw_canon, "SYSENTER_ESP/EIP" },
	{ HX_MSR_MISC_ENABLE, HX_MSR_MISC_ENABLE, rd_misc_enable, wr_misc_enable, "MISC_ENABLE" },
	{ HX_MSR_DEBUGCTL, HX_MSR_DEBUGCTL, rd_debugctl, wr_debugctl, "DEBUGCTL" },
	{ HX_MSR_MTRR_VAR0, HX_MSR_MTRR_VAR0 + 2 * HX_MTRR_VAR_COUNT - 1,
	  rd_mtrr_var, wr_mtrr_var, "MTRR_PHYS" },
	{ HX_MSR_MTRR_FIX64K, HX_MSR_MTRR_FIX4K_C0 + 7, rd_mtrr_fix, wr_mtrr_fix, "MTRR_FIX" },
	{ HX_MSR_PAT, HX_MSR_PAT, rd_hw, wr_pat, "PAT" },
	{ HX_MSR_MTRR_DEF_TYPE, HX_MSR_MTRR_DEF_TYPE, rd_mtrr_def, wr_mtrr_def, "MTRR_DEF_TYPE" },
	{ HX_MSR_EFER, HX_MSR_EFER, rd_hw, wr_efer, "EFER" },
	{ HX_MSR_STAR, HX_MSR_STAR, rd_hw, wr_hw, "STAR" },
	{ HX_MSR_LSTAR, HX_MSR_CSTAR, rd_hw, wr_hw_canon, "LSTAR/CSTAR" },
	{ HX_MSR_SFMASK, HX_MSR_SFMASK, rd_hw, wr_sfmask, "SFMASK" },
	{ HX_MSR_FS_BASE, HX_MSR_KERNEL_GS_BASE, rd_hw, wr_hw_canon, "FS/GS_BASE" },
	{ HX_MSR_TSC_AUX, HX_MSR_TSC_AUX, rd_tsc_aux, wr_tsc_aux, "TSC_AUX" },
	{ HX_MSR_AMD_SYSCFG, HX_MSR_AMD_SYSCFG, rd_amd_zero, wr_amd_ignore, "SYSCFG" },
	{ HX_MSR_AMD_TOP_MEM1, HX_MSR_AMD_TOP_MEM1, rd_amd_zero, wr_amd_ignore, "TOP_MEM1" },
	{ HX_MSR_AMD_TOP_MEM2, HX_MSR_AMD_TOP_MEM2, rd_amd_zero, wr_amd_ignore, "TOP_MEM2" },
	{ HX_MSR_AMD_NB_CFG, HX_MSR_AMD_NB_CFG, rd_amd_zero, wr_amd_ignore, "NB_CFG" },
	{ HX_MSR_AMD_MMIO_CONF, HX_MSR_AMD_MMIO_CONF, rd_amd_zero, wr_amd_ignore, "MMIO_CONF_BASE" },
};

static const struct msr_desc *msr_lookup(u32 index)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(msr_table); i++)
		if (index >= msr_table[i].first && index <= msr_table[i].last)
			return &msr_table[i];
	return NULL;
}

void hx_msr_reset(struct hx_msr_state *st, bool bsp)
{
	memset(st, 0, sizeof(*st));
	st->apic_base = HX_APIC_BASE_DEFAULT | HX_APIC_BASE_ENABLE |
			(bsp ? HX_APIC_BASE_BSP : 0);
	st->misc_enable = 1;	/* fast strings */
}

int hx_msr_read(struct hx_msr_state *st, const struct hx_msr_io *io, u32 index,
		u64 *val)
{
	const struct msr_desc *d = msr_lookup(index);

	if (!d)
		return -ENOENT;
	return d->rd(st, io, d, index, val);
}

int hx_msr_write(struct hx_msr_state *st, const struct hx_msr_io *io, u32 index,
		 u64 val)
{
	const struct msr_desc *d = msr_lookup(index);

	if (!d)
		return -ENOENT;
	return d->wr(st, io, d, index, val);
}
