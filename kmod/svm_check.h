/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why VMRUN failed with VMEXIT_INVALID: the consistency checks of AMD APM
 * vol. 2, 15.5.1 ("Canonicalization and Consistency Checks") and the event
 * injection rules of 15.20, applied to a copy of the VMCB fields they
 * read.  Host-independent: svm.c fills the struct from the VMCB and the
 * host CPU, the unit tests from made-up values.
 */
#ifndef HX_SVM_CHECK_H
#define HX_SVM_CHECK_H

#include "hx_os.h"

/* The VMCB fields and host limits VMRUN's checks look at. */
struct svm_check_in {
	u64 efer, cr0, cr3, cr4, dr6, dr7;
	u16 cs_attrib;			/* VMCB segment attribute format */
	u32 asid;
	bool vmrun_intercept;
	u64 iopm_pa, msrpm_pa;
	bool np_enable;
	u64 ncr3;
	u32 event_inj, event_inj_err;
	/* the host CPU */
	u32 phys_bits;			/* CPUID 0x80000008 EAX[7:0] */
	bool long_mode;			/* CPUID 0x80000001 EDX[29] */
	u64 cr4_valid;			/* CR4 bits this CPU implements */
	u64 efer_valid;			/* EFER bits this CPU implements */
};

/*
 * The first check @in fails, as a short sentence naming the field and the
 * rule, or NULL when none does (the failure is then outside what is
 * modelled here).  *@code gets a small number for the check (0 for none),
 * which the SVM backend reports as the failed entry's qualification.
 */
const char *svm_check_vmcb(const struct svm_check_in *in, u32 *code);

/*
 * Whether EVENTINJ value @evtinj passes VMRUN's event checks (not valid at
 * all counts as legal): EXITINTINFO is re-injected only then.
 */
bool svm_event_legal(u32 evtinj);

#endif
