/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MSR emulation (host independent).  The core intercepts every
 * RDMSR/WRMSR; hx_msr_read/write look the index up in one table.  MSRs
 * that live in the VMCB/VMCS go to the backend through io->hw_get/hw_set;
 * the others are stored in struct hx_msr_state.
 */
#ifndef HX_MSR_H
#define HX_MSR_H

#include "hx_os.h"

#define HX_MSR_TSC		0x00000010
#define HX_MSR_APIC_BASE	0x0000001b
#define HX_MSR_MTRR_CAP		0x000000fe
#define HX_MSR_SYSENTER_CS	0x00000174
#define HX_MSR_SYSENTER_ESP	0x00000175
#define HX_MSR_SYSENTER_EIP	0x00000176
#define HX_MSR_MISC_ENABLE	0x000001a0
#define HX_MSR_DEBUGCTL		0x000001d9
#define HX_MSR_MTRR_VAR0	0x00000200	/* PHYSBASE0; PHYSMASKn = 0x201 + 2n */
#define HX_MSR_MTRR_FIX64K	0x00000250
#define HX_MSR_MTRR_FIX16K_80	0x00000258
#define HX_MSR_MTRR_FIX16K_A0	0x00000259
#define HX_MSR_MTRR_FIX4K_C0	0x00000268	/* .. 0x26f */
#define HX_MSR_PAT		0x00000277
#define HX_MSR_MTRR_DEF_TYPE	0x000002ff
#define HX_MSR_EFER		0xc0000080
#define HX_MSR_STAR		0xc0000081
#define HX_MSR_LSTAR		0xc0000082
#define HX_MSR_CSTAR		0xc0000083
#define HX_MSR_SFMASK		0xc0000084
#define HX_MSR_FS_BASE		0xc0000100
#define HX_MSR_GS_BASE		0xc0000101
#define HX_MSR_KERNEL_GS_BASE	0xc0000102
#define HX_MSR_TSC_AUX		0xc0000103
#define HX_MSR_AMD_SYSCFG	0xc0010010
#define HX_MSR_AMD_TOP_MEM1	0xc001001a
#define HX_MSR_AMD_TOP_MEM2	0xc001001d
#define HX_MSR_AMD_NB_CFG	0xc001001f
#define HX_MSR_AMD_MMIO_CONF	0xc0010058

#define HX_EFER_SCE		(1ULL << 0)
#define HX_EFER_LME		(1ULL << 8)
#define HX_EFER_LMA		(1ULL << 10)
#define HX_EFER_NXE		(1ULL << 11)

#define HX_MTRR_VAR_COUNT	8
#define HX_MTRR_FIX_COUNT	11
#define HX_APIC_BASE_DEFAULT	0xfee00000ULL
#define HX_APIC_BASE_BSP	(1ULL << 8)
#define HX_APIC_BASE_ENABLE	(1ULL << 11)

struct hx_msr_state {
	u64 apic_base;
	u64 misc_enable;
	u64 mtrr_def_type;
	u64 mtrr_fixed[HX_MTRR_FIX_COUNT];
	u64 mtrr_var[2 * HX_MTRR_VAR_COUNT];	/* base, mask pairs */
	u64 tsc_aux;
	s64 tsc_offset;
};

/* How hx_msr.c reaches the rest of the vCPU. */
struct hx_msr_io {
	/* MSRs kept in the VMCB/VMCS; return -ENOENT if not there. */
	int (*hw_get)(void *opaque, u32 index, u64 *val);
	int (*hw_set)(void *opaque, u32 index, u64 val);
	u64 (*host_tsc)(void *opaque);
	void (*set_tsc_offset)(void *opaque, s64 offset);
	void *opaque;
	u32 phys_bits;		/* guest MAXPHYADDR, for reserved-bit checks */
	bool nx;		/* EFER.NXE allowed (CPUID 0x80000001 EDX.NX) */
	bool lm;		/* long mode allowed */
	bool amd;		/* AMD/Hygon host: the guest sees its vendor */
};

/* Power-on values; @bsp sets APIC_BASE.BSP. */
void hx_msr_reset(struct hx_msr_state *st, bool bsp);

/*
 * Return 0 on success, -EINVAL when the guest must get #GP (reserved
 * bits, bad value, read-only MSR), -ENOENT when the index is not in the
 * table (the caller may ask the Xen layer, then injects #GP).
 */
int hx_msr_read(struct hx_msr_state *st, const struct hx_msr_io *io, u32 index,
		u64 *val);
int hx_msr_write(struct hx_msr_state *st, const struct hx_msr_io *io, u32 index,
		 u64 val);

#endif /* HX_MSR_H */
