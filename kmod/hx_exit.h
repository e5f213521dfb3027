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

#endif /* HX_EXIT_H */
