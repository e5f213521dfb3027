// SPDX-License-Identifier: GPL-2.0
/*
 * Weak "no Xen layer" defaults for the hooks in hx_hooks.h.  The Xen
 * layer overrides them with strong definitions.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include "hx_hooks.h"

void __weak hx_xen_debug_show(struct seq_file *m, struct hx_vm *vm)
{
}

int __weak hx_xen_npf(struct hx_vcpu *vcpu, u64 gpa)
{
	return -ENOENT;
}

unsigned long __weak hx_xen_zap_hva(struct hx_vm *vm, unsigned long start, unsigned long end)
{
	return 0;
}

bool __weak hx_xen_present(void)
{
	return false;
}

long __weak hx_xen_vm_ioctl(struct hx_vm *vm, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

int __weak hx_xen_hypercall(struct hx_vcpu *vcpu, u32 insn_len)
{
	return -ENOSYS;
}

int __weak hx_xen_pending_vector(struct hx_vcpu *vcpu)
{
	return -1;
}

void __weak hx_xen_vector_injected(struct hx_vcpu *vcpu, int vector)
{
}

bool __weak hx_xen_wake_pending(struct hx_vcpu *vcpu)
{
	return false;
}

bool __weak hx_xen_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u32 out[4])
{
	return false;
}

int __weak hx_xen_rdmsr(struct hx_vcpu *vcpu, u32 index, u64 *val)
{
	return -ENOENT;
}

int __weak hx_xen_wrmsr(struct hx_vcpu *vcpu, u32 index, u64 val)
{
	return -ENOENT;
}

int __weak hx_xen_vcpu_create(struct hx_vcpu *vcpu)
{
	return 0;
}

void __weak hx_xen_vcpu_destroy(struct hx_vcpu *vcpu)
{
}

void __weak hx_xen_vm_destroy(struct hx_vm *vm)
{
}
