// SPDX-License-Identifier: GPL-2.0
/*
 * Guest FPU/SSE/AVX state.  The guest image (vcpu->fpu) is loaded after
 * kernel_fpu_begin() — which saves the monitor thread's own FPU state and
 * has it restored on return to user space — and saved again before
 * kernel_fpu_end(), around every entry.  Without XSAVE: FXSAVE/FXRSTOR.
 *
 * With XSAVE, the image is restored and saved while the host's XCR0 (a
 * superset of any guest XCR0) is loaded, with the requested-feature mask
 * guest XCR0 | x87 | SSE: XMM registers are guest state even when the
 * guest never enabled XSAVE (XCR0 = x87), and image bits outside the
 * guest's XCR0 can never make XRSTOR fault.  The guest's XCR0 is loaded
 * only for the entry itself.
 */
#include <linux/slab.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/cpufeature.h>
#include <asm/asm.h>
#include "hx_vm.h"
#include "hx_cpuid.h"
#include "hx_level.h"

#define FX_FCW		0	/* u16 */
#define FX_MXCSR	24	/* u32 */
#define XS_HDR		512	/* XSAVE header: xstate_bv, xcomp_bv, reserved */
#define MXCSR_DEFAULT_VAL 0x1f80

/* The kernel sets XCR0 once at boot, the same on every CPU. */
static u64 hx_host_xcr0;

static u64 hx_fpu_host_xcr0(void)
{
	if (!hx_host_xcr0)
		hx_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	return hx_host_xcr0;
}

u64 hx_fpu_xcr0_supported(void)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE) || !boot_cpu_has(X86_FEATURE_OSXSAVE))
		return 0;
	return hx_fpu_host_xcr0() & HX_XCR0_GUEST_MASK;
}

static void fpu_image_reset(struct hx_vcpu *vcpu)
{
	u8 *img = vcpu->fpu;

	memset(img, 0, HX_FPU_AREA_SIZE);
	*(u16 *)(img + FX_FCW) = 0x37f;
	*(u32 *)(img + FX_MXCSR) = MXCSR_DEFAULT_VAL;
	/* xstate_bv = 0: components beyond legacy start in init state. */
	if (vcpu->fpu_xsave)
		*(u64 *)(img + XS_HDR) = HX_XCR0_X87 | HX_XCR0_SSE;
}

int hx_fpu_alloc(struct hx_vcpu *vcpu)
{
	/* kmalloc of a page size is page aligned: fine for XSAVE's 64. */
	vcpu->fpu = kzalloc(HX_FPU_AREA_SIZE, GFP_KERNEL_ACCOUNT);
	if (!vcpu->fpu)
		return -ENOMEM;
	vcpu->fpu_xsave = hx_fpu_xcr0_supported() != 0;
	vcpu->xcr0 = HX_XCR0_X87;
	fpu_image_reset(vcpu);
	return 0;
}

void hx_vcpu_fpu_reset(struct hx_vcpu *vcpu)
{
	fpu_image_reset(vcpu);
}

int hx_vcpu_set_xcr0(struct hx_vcpu *vcpu, u64 val)
{
	u64 sup = hx_vm_xcr0_supported(vcpu->vm);	/* the VM's levelling */

	/* [SDM XSETBV]: x87 always on, AVX needs SSE, nothing unsupported. */
	if (!(val & HX_XCR0_X87) || (val & ~sup) ||
	    ((val & HX_XCR0_AVX) && !(val & HX_XCR0_SSE)))
		return -EINVAL;
	vcpu->xcr0 = val;
	return 0;
}

/* Fault-tolerant restore: on a bad image, fall back to the reset state. */
static u64 fpu_rfbm(struct hx_vcpu *vcpu)
{
	return vcpu->xcr0 | HX_XCR0_X87 | HX_XCR0_SSE;
}

static int fpu_restore(struct hx_vcpu *vcpu)
{
	u32 lo = (u32)fpu_rfbm(vcpu), hi = fpu_rfbm(vcpu) >> 32;
	int err = 0;

	if (vcpu->fpu_xsave)
		asm volatile("1: xrstor64 (%[img])\n"
			     "2:\n"
			     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[err])
			     : [err] "+r" (err)
			     : [img] "r" (vcpu->fpu), "a" (lo), "d" (hi)
			     : "memory");
	else
		asm volatile("1: fxrstor64 (%[img])\n"
			     "2:\n"
			     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[err])
			     : [err] "+r" (err)
			     : [img] "r" (vcpu->fpu)
			     : "memory");
	return err;
}

static void fpu_save(struct hx_vcpu *vcpu)
{
	u32 lo = (u32)fpu_rfbm(vcpu), hi = fpu_rfbm(vcpu) >> 32;

	if (vcpu->fpu_xsave)
		asm volatile("xsave64 (%[img])" : : [img] "r" (vcpu->fpu), "a" (lo), "d" (hi)
			     : "memory");
	else
		asm volatile("fxsave64 (%[img])" : : [img] "r" (vcpu->fpu) : "memory");
}

void hx_fpu_enter(struct hx_vcpu *vcpu)
{
	kernel_fpu_begin();
	if (fpu_restore(vcpu)) {
		pr_warn_ratelimited("hxen: vcpu %u: bad FPU image, reset\n", vcpu->id);
		fpu_image_reset(vcpu);
		WARN_ON_ONCE(fpu_restore(vcpu));
	}
	if (vcpu->fpu_xsave && vcpu->xcr0 != hx_fpu_host_xcr0())
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
}

void hx_fpu_exit(struct hx_vcpu *vcpu)
{
	if (vcpu->fpu_xsave && vcpu->xcr0 != hx_fpu_host_xcr0())
		xsetbv(XCR_XFEATURE_ENABLED_MASK, hx_fpu_host_xcr0());
	fpu_save(vcpu);
	kernel_fpu_end();
}

int hx_fpu_get(struct hx_vcpu *vcpu, struct hxen_fpu *f)
{
	f->xcr0 = vcpu->xcr0;
	f->size = vcpu->fpu_xsave ? (vcpu->xcr0 & HX_XCR0_AVX ? 832 : 576) : 512;
	memcpy(f->region, vcpu->fpu, f->size);
	return 0;
}

int hx_fpu_set(struct hx_vcpu *vcpu, const struct hxen_fpu *f)
{
	const u8 *r = f->region;
	u32 mxcsr = *(const u32 *)(r + FX_MXCSR);
	u64 xstate_bv, xcomp_bv;
	unsigned int i;

	if (mxcsr & 0xffff0000)		/* reserved MXCSR bits: #GP in FXRSTOR */
		return -EINVAL;
	if (vcpu->fpu_xsave) {
		if (hx_vcpu_set_xcr0(vcpu, f->xcr0))
			return -EINVAL;
		xstate_bv = *(const u64 *)(r + XS_HDR);
		xcomp_bv = *(const u64 *)(r + XS_HDR + 8);
		if ((xstate_bv & ~hx_vm_xcr0_supported(vcpu->vm)) || xcomp_bv)
			return -EINVAL;
		for (i = XS_HDR + 16; i < XS_HDR + 64; i++)
			if (r[i])
				return -EINVAL;
	} else if (f->xcr0 && f->xcr0 != HX_XCR0_X87) {
		return -EINVAL;
	}
	memcpy(vcpu->fpu, r, HX_FPU_AREA_SIZE);
	return 0;
}
