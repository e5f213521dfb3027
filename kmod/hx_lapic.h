/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal local APIC (xAPIC MMIO register page), host independent.
 * Enough for stock Linux as a Xen PVH guest (xen-abi.md B.6): ID/version,
 * TPR, EOI, SVR, LDR/DFR, LVT storage, ESR and the ICR for fixed IPIs.
 * Interrupts themselves are injected by the core as external interrupts,
 * so IRR/ISR/TMR read as zero and EOI has nothing to retire.  The LAPIC
 * timer is never used by Linux on Xen (the Xen clockevent replaces it):
 * its registers are stored only.  Not modelled: x2APIC, NMI/SMI IPIs.
 * INIT and start-up IPIs are decoded here and carried out by the core.
 */
#ifndef HX_LAPIC_H
#define HX_LAPIC_H

#include "hx_os.h"

#define HX_LAPIC_ID		0x020
#define HX_LAPIC_LVR		0x030
#define HX_LAPIC_TPR		0x080
#define HX_LAPIC_APR		0x090
#define HX_LAPIC_PPR		0x0a0
#define HX_LAPIC_EOI		0x0b0
#define HX_LAPIC_LDR		0x0d0
#define HX_LAPIC_DFR		0x0e0
#define HX_LAPIC_SVR		0x0f0
#define HX_LAPIC_ISR0		0x100
#define HX_LAPIC_IRR7		0x270
#define HX_LAPIC_ESR		0x280
#define HX_LAPIC_LVT_CMCI	0x2f0
#define HX_LAPIC_ICR_LO		0x300
#define HX_LAPIC_ICR_HI		0x310
#define HX_LAPIC_LVT_TIMER	0x320
#define HX_LAPIC_LVT_ERROR	0x370
#define HX_LAPIC_TMICT		0x380
#define HX_LAPIC_TMCCT		0x390
#define HX_LAPIC_TDCR		0x3e0

/* Version 0x14 (integrated), max LVT entry 5 [SDM 10.4.8]. */
#define HX_LAPIC_VERSION	0x00050014u

/* ICR delivery modes and shorthands [SDM 10.6.1]. */
#define HX_ICR_FIXED		0
#define HX_ICR_LOWEST		1
#define HX_ICR_NMI		4
#define HX_ICR_INIT		5
#define HX_ICR_SIPI		6
#define HX_ICR_SH_NONE		0
#define HX_ICR_SH_SELF		1
#define HX_ICR_SH_ALL		2
#define HX_ICR_SH_OTHERS	3

struct hx_lapic {
	u32 reg[64];		/* one 32-bit register per 16-byte slot */
};

/* An IPI the caller must deliver, decoded from an ICR write. */
struct hx_lapic_ipi {
	u8 vector;
	u8 mode;		/* HX_ICR_* delivery mode */
	u8 shorthand;		/* HX_ICR_SH_* */
	u8 logical;		/* destination is a logical (LDR) mask */
	u8 dest;		/* APIC ID or logical mask; 0xff = broadcast */
	u8 level;		/* 1 = assert (INIT de-assert has level 0) */
	u8 trigger;		/* 1 = level-triggered */
};

void hx_lapic_reset(struct hx_lapic *l, u32 apic_id);

/* @off: offset in the 4 KiB page.  Only aligned 32-bit accesses exist. */
int hx_lapic_read(const struct hx_lapic *l, u32 off, u32 *val);

/*
 * Returns 0, 1 when @ipi must be delivered (ICR write), or -EINVAL for a
 * misaligned offset.  Writes to read-only registers are ignored.
 */
int hx_lapic_write(struct hx_lapic *l, u32 off, u32 val, struct hx_lapic_ipi *ipi);

/* Does an IPI address the LAPIC @l (not counting shorthands)? */
bool hx_lapic_match(const struct hx_lapic *l, const struct hx_lapic_ipi *ipi);

#endif /* HX_LAPIC_H */
