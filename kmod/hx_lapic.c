// SPDX-License-Identifier: GPL-2.0
/* Minimal xAPIC register file; see hx_lapic.h.  Layout: Intel SDM vol. 3A ch. 10. */
#include "hx_lapic.h"

#define LVT_MASKED	(1u << 16)

static u32 *slot(struct hx_lapic *l, u32 off)
{
	return &l->reg[(off >> 4) & 63];
}

void hx_lapic_reset(struct hx_lapic *l, u32 apic_id)
{
	u32 off;

	memset(l, 0, sizeof(*l));
	*slot(l, HX_LAPIC_ID) = apic_id << 24;
	*slot(l, HX_LAPIC_LVR) = HX_LAPIC_VERSION;
	*slot(l, HX_LAPIC_DFR) = 0xffffffffu;
	*slot(l, HX_LAPIC_SVR) = 0xff;
	for (off = HX_LAPIC_LVT_TIMER; off <= HX_LAPIC_LVT_ERROR; off += 0x10)
		*slot(l, off) = LVT_MASKED;
	*slot(l, HX_LAPIC_LVT_CMCI) = LVT_MASKED;
}

int hx_lapic_read(const struct hx_lapic *l, u32 off, u32 *val)
{
	if (off & 0xf || off >= 0x400)
		return -EINVAL;
	switch (off) {
	case HX_LAPIC_PPR:
		*val = l->reg[HX_LAPIC_TPR >> 4] & 0xff;	/* no ISR: PPR = TPR */
		break;
	case HX_LAPIC_EOI:
	case HX_LAPIC_TMCCT:	/* timer never counts */
		*val = 0;
		break;
	default:
		*val = l->reg[off >> 4];
		break;
	}
	return 0;
}

int hx_lapic_write(struct hx_lapic *l, u32 off, u32 val, struct hx_lapic_ipi *ipi)
{
	if (off & 0xf || off >= 0x400)
		return -EINVAL;
	switch (off) {
	case HX_LAPIC_ID:
		*slot(l, off) = val & 0xff000000u;
		break;
	case HX_LAPIC_TPR:
		*slot(l, off) = val & 0xff;
		break;
	case HX_LAPIC_LDR:
		*slot(l, off) = val & 0xff000000u;
		break;
	case HX_LAPIC_DFR:
		*slot(l, off) = val | 0x0fffffffu;
		break;
	case HX_LAPIC_SVR:
		*slot(l, off) = val & 0x13ff;
		break;
	case HX_LAPIC_ESR:
		*slot(l, off) = 0;	/* write clears; no errors recorded */
		break;
	case HX_LAPIC_LVT_CMCI:
	case HX_LAPIC_LVT_TIMER:
	case HX_LAPIC_LVT_TIMER + 0x10:	/* thermal */
	case HX_LAPIC_LVT_TIMER + 0x20:	/* perf */
	case HX_LAPIC_LVT_TIMER + 0x30:	/* LINT0 */
	case HX_LAPIC_LVT_TIMER + 0x40:	/* LINT1 */
	case HX_LAPIC_LVT_ERROR:
		*slot(l, off) = val & 0x3f7ff;
		break;
	case HX_LAPIC_TMICT:
	case HX_LAPIC_TDCR:
		*slot(l, off) = val;
		break;
	case HX_LAPIC_ICR_HI:
		*slot(l, off) = val & 0xff000000u;
		break;
	case HX_LAPIC_ICR_LO:
		/* Delivery status (bit 12) always reads idle. */
		*slot(l, off) = val & ~(1u << 12);
		ipi->vector = val & 0xff;
		ipi->mode = (val >> 8) & 7;
		ipi->logical = (val >> 11) & 1;
		ipi->shorthand = (val >> 18) & 3;
		ipi->level = (val >> 14) & 1;
		ipi->trigger = (val >> 15) & 1;
		ipi->dest = l->reg[HX_LAPIC_ICR_HI >> 4] >> 24;
		return 1;
	default:
		/* EOI (nothing in service), LVR, APR, PPR, ISR/TMR/IRR, TMCCT: read-only */
		break;
	}
	return 0;
}

bool hx_lapic_match(const struct hx_lapic *l, const struct hx_lapic_ipi *ipi)
{
	u32 id = l->reg[HX_LAPIC_ID >> 4] >> 24;
	u32 ldr = l->reg[HX_LAPIC_LDR >> 4] >> 24;

	if (!ipi->logical)
		return ipi->dest == 0xff || ipi->dest == id;
	/* Flat model only (DFR = all ones), as Linux sets up for <= 8 CPUs. */
	return (ipi->dest & ldr) != 0;
}
