// SPDX-License-Identifier: GPL-2.0
/*
 * VMRUN consistency checks (AMD APM vol. 2, 15.5.1 and 15.20), to name
 * the reason of a VMEXIT_INVALID.  The hardware does not say which check
 * failed; this repeats them on the VMCB that failed.  See svm_check.h.
 */
#include "svm_check.h"

#define SC_CR0_PE	BIT_ULL(0)
#define SC_CR0_NW	BIT_ULL(29)
#define SC_CR0_CD	BIT_ULL(30)
#define SC_CR0_PG	BIT_ULL(31)
#define SC_CR4_PAE	BIT_ULL(5)
#define SC_EFER_LME	BIT_ULL(8)
#define SC_EFER_LMA	BIT_ULL(10)
#define SC_EFER_SVME	BIT_ULL(12)
#define SC_ATTR_L	BIT(9)
#define SC_ATTR_D	BIT(10)
/* IOPM 12 KiB, MSRPM 8 KiB [APM 15.10.1, 15.11] */
#define IOPM_SIZE	(12ULL << 10)
#define MSRPM_SIZE	(8ULL << 10)

#define EVTINJ_VEC(e)	((e) & 0xff)
#define EVTINJ_TYPE(e)	(((e) >> 8) & 7)
#define EVTINJ_V	BIT(31)
#define EVTINJ_RSVD	0x7ffff000U	/* bits 30:12 */
#define EVT_INTR	0
#define EVT_NMI		2
#define EVT_EXCEPTION	3
#define EVT_SOFT	4

/* Event injection [APM 15.20]; NULL when EVENTINJ is fine. */
static const char *check_event(u32 e, u32 *code)
{
	if (!(e & EVTINJ_V))
		return NULL;
	if (e & EVTINJ_RSVD) {
		*code = 20;
		return "EVENTINJ has reserved bits 30:12 set";
	}
	switch (EVTINJ_TYPE(e)) {
	case EVT_INTR:
	case EVT_NMI:
	case EVT_SOFT:
		return NULL;
	case EVT_EXCEPTION:
		if (EVTINJ_VEC(e) == 2 || EVTINJ_VEC(e) > 31) {
			*code = 21;
			return "EVENTINJ: exception type with vector 2 (NMI) or above 31";
		}
		return NULL;
	default:
		*code = 23;
		return "EVENTINJ: reserved event type (1, 5, 6 or 7)";
	}
}

bool svm_event_legal(u32 evtinj)
{
	u32 code;

	return !check_event(evtinj, &code);
}

const char *svm_check_vmcb(const struct svm_check_in *in, u32 *code)
{
	u32 bits = in->phys_bits >= 1 && in->phys_bits <= 52 ? in->phys_bits : 52;
	u64 above_pa = ~0ULL << bits;
	u64 lme_pg = (in->efer & SC_EFER_LME) && (in->cr0 & SC_CR0_PG);
	u32 dummy;

	if (!code)
		code = &dummy;
	*code = 0;
#define FAIL(n, msg) do { *code = (n); return (msg); } while (0)
	if (!(in->efer & SC_EFER_SVME))
		FAIL(1, "EFER.SVME is clear");
	if (!(in->cr0 & SC_CR0_CD) && (in->cr0 & SC_CR0_NW))
		FAIL(2, "CR0.NW is set while CR0.CD is clear");
	if (in->cr0 >> 32)
		FAIL(3, "CR0 bits 63:32 are not zero");
	if ((in->efer & SC_EFER_LMA) && (in->cr3 & above_pa))
		FAIL(4, "CR3 has bits above the physical-address width set (long mode)");
	if (!(in->efer & SC_EFER_LMA) && (in->cr3 >> 32))
		FAIL(4, "CR3 bits 63:32 are not zero (legacy mode)");
	if (in->cr4 & ~in->cr4_valid)
		FAIL(5, "CR4 has a reserved bit (or one of a feature this CPU lacks) set");
	if (in->dr6 >> 32)
		FAIL(6, "DR6 bits 63:32 are not zero");
	if (in->dr7 >> 32)
		FAIL(7, "DR7 bits 63:32 are not zero");
	if (in->efer & ~in->efer_valid)
		FAIL(8, "EFER has a reserved bit (or one of a feature this CPU lacks) set");
	if ((in->efer & (SC_EFER_LMA | SC_EFER_LME)) && !in->long_mode)
		FAIL(9, "EFER.LME or EFER.LMA is set on a CPU without long mode");
	if (lme_pg && !(in->cr4 & SC_CR4_PAE))
		FAIL(10, "EFER.LME and CR0.PG are set but CR4.PAE is clear");
	if (lme_pg && !(in->cr0 & SC_CR0_PE))
		FAIL(11, "EFER.LME and CR0.PG are set but CR0.PE is clear");
	if (lme_pg && (in->cr4 & SC_CR4_PAE) && (in->cs_attrib & SC_ATTR_L) &&
	    (in->cs_attrib & SC_ATTR_D))
		FAIL(12, "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set");
	if (!in->vmrun_intercept)
		FAIL(13, "the VMRUN intercept is clear");
	if ((in->msrpm_pa & ~0xfffULL) + MSRPM_SIZE > (1ULL << bits) ||
	    (in->iopm_pa & ~0xfffULL) + IOPM_SIZE > (1ULL << bits))
		FAIL(14, "the MSR or I/O permission map extends beyond the physical-address width");
	if (!in->asid)
		FAIL(15, "ASID is zero");
	/* Not in 15.5.1's list: a zero or too-wide nested root cannot work. */
	if (in->np_enable && (!(in->ncr3 & ~0xfffULL) || (in->ncr3 & above_pa)))
		FAIL(16, "nested paging is on but nCR3 is zero or above the physical-address width");
#undef FAIL
	return check_event(in->event_inj, code);
}
