/* SPDX-License-Identifier: GPL-2.0 */
/* CPU levelling: per-VM CPUID masks (hx_level.c, include/hxen/hxen.h). */
#ifndef HX_LEVEL_H
#define HX_LEVEL_H

#include <linux/types.h>
#include <linux/compiler.h>

struct hx_vm;
struct hx_cpuid_ctx;

/* XCR0 bits the guest of @vm may enable (@vm NULL: no mask). */
u64 hx_vm_xcr0_supported(const struct hx_vm *vm);
/* The VM-wide part of a CPUID context: host, LAPIC, XCR0, mask. */
void hx_level_ctx(const struct hx_vm *vm, struct hx_cpuid_ctx *ctx);
/* /dev/hxen HXEN_GET_SUPPORTED_CPUID */
long hx_level_supported(void __user *uarg);
/* VM fd HXEN_GET_CPUID, HXEN_SET_CPUID_MASK */
long hx_level_vm_ioctl(struct hx_vm *vm, unsigned int cmd, void __user *uarg);

#endif /* HX_LEVEL_H */
