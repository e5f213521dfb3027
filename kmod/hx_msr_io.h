/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel glue between hx_msr.c and a vCPU (hx_exit.c). */
#ifndef HX_MSR_IO_H
#define HX_MSR_IO_H

#include "hx_msr.h"

struct hx_vcpu;
void hx_msr_io_init(struct hx_vcpu *vcpu, struct hx_msr_io *io);

#endif /* HX_MSR_IO_H */
