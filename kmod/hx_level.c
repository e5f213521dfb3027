// SPDX-License-Identifier: GPL-2.0
/*
 * CPU levelling: each VM's CPUID mask (HXEN_SET_CPUID_MASK) and what its
 * guest is shown (HXEN_GET_CPUID, HXEN_GET_SUPPORTED_CPUID).  The mask is
 * applied by hx_cpuid() on every CPUID exit, in the module: no round trip
 * to user space.  It can only be set before the VM has a vCPU, so a guest
 * never sees its CPU change under it (a restore sets the saved features
 * before it creates the vCPUs).
 */
#include <linux/uaccess.h>
#include <asm/processor.h>
#include "hx_vm.h"
#include "hx_cpuid.h"
#include "hx_level.h"

static void host_cpuid(void *opaque, u32 leaf, u32 sub, u32 out[4])
{
	cpuid_count(leaf, sub, &out[0], &out[1], &out[2], &out[3]);
}

u64 hx_vm_xcr0_supported(const struct hx_vm *vm)
{
	return hx_cpuid_guest_xcr0(hx_fpu_xcr0_supported(),
				   vm ? &vm->cpuid_mask : NULL);
}

void hx_level_ctx(const struct hx_vm *vm, struct hx_cpuid_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->host_cpuid = host_cpuid;
	ctx->nr_vcpus = 1;
	ctx->has_lapic = true;		/* hx_lapic.c, xAPIC MMIO only */
	ctx->has_x2apic = false;
	ctx->xcr0_supported = hx_vm_xcr0_supported(vm);
	ctx->mask = vm ? &vm->cpuid_mask : NULL;
}

long hx_level_supported(void __user *uarg)
{
	struct hxen_cpuid_features f;
	struct hx_cpuid_ctx ctx;

	hx_level_ctx(NULL, &ctx);
	hx_cpuid_features(&ctx, &f);
	return copy_to_user(uarg, &f, sizeof(f)) ? -EFAULT : 0;
}

static bool any_vcpu(const struct hx_vm *vm)
{
	for (unsigned int i = 0; i < HX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			return true;
	return false;
}

long hx_level_vm_ioctl(struct hx_vm *vm, unsigned int cmd, void __user *uarg)
{
	struct hxen_cpuid_features f;
	struct hx_cpuid_ctx ctx;
	long r = 0;

	if (cmd == HXEN_GET_CPUID) {
		mutex_lock(&vm->lock);
		hx_level_ctx(vm, &ctx);
		hx_cpuid_features(&ctx, &f);
		mutex_unlock(&vm->lock);
		return copy_to_user(uarg, &f, sizeof(f)) ? -EFAULT : 0;
	}
	if (copy_from_user(&f, uarg, sizeof(f)))
		return -EFAULT;
	if (f.version != HXEN_STATE_VERSION || f.flags || f.reserved[0] ||
	    f.reserved[1] || f.reserved[2])
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (any_vcpu(vm))
		r = -EBUSY;	/* the guest may have looked already */
	else
		vm->cpuid_mask = f;
	mutex_unlock(&vm->lock);
	return r;
}
