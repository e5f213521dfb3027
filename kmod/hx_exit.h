/* SPDX-License-Identifier: GPL-2.0 */
/* Exit handling shared by both backends (hx_exit.c), used by hx_run.c. */
#ifndef HX_EXIT_H
#define HX_EXIT_H

#include "hx_vm.h"

/* hx_handle_exit() results */
#define HX_RESUME	0	/* re-enter the guest */
#define HX_TO_USER	1	/* run->exit_reason is set: return from HXEN_RUN */
#define HX_HALT		2	/* guest halted with IF=1: sleep until an event */

int hx_handle_exit(struct hx_vcpu *vcpu, const struct hx_exit *exit);
/* Finish the IN/MMIO read of the previous exit with what user space wrote. */
int hx_complete_pending(struct hx_vcpu *vcpu);
int hx_internal_error(struct hx_vcpu *vcpu, u32 suberror, u64 code, u64 info1, u64 info2);

/* GPR by x86 encoding number (0 = RAX .. 15 = R15). */
u64 *hx_gpr(struct hx_vcpu *vcpu, unsigned int n);
/* Store into a GPR with x86 partial-register rules (8/16-bit merge, 32-bit zero-extends). */
void hx_store_reg(struct hx_vcpu *vcpu, u8 reg, bool high8, u8 size, u64 val);

struct hx_insn;
/* Minimal LAPIC (hx_apic.c): is @gpa the enabled xAPIC page; emulate an access. */
bool hx_lapic_page(struct hx_vcpu *vcpu, u64 gpa);
int hx_lapic_access(struct hx_vcpu *vcpu, const struct hx_exit *exit,
		    const struct hx_insn *insn, u64 gpa);

/* INIT/SIPI start-up (hx_apic.c): true while the vCPU waits for a SIPI. */
bool hx_vcpu_mp_wait(struct hx_vcpu *vcpu);

#endif /* HX_EXIT_H */
