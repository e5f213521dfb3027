// SPDX-License-Identifier: GPL-2.0
/*
 * Save/restore of a vCPU's state beyond HXEN_GET_REGS/SREGS/MSRS/FPU
 * (struct hxen_vcpu_state: queued event, interrupt shadow, NMI blocking,
 * debug registers, queued interrupts, start-up state, LAPIC registers)
 * and of the guest TSC (HXEN_GET/SET_TSC).  Every SET is checked against
 * what the module itself can produce: a state it could not have reached
 * is refused with -EINVAL before anything changes.
 */
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include "hx_level.h"
#include "hx_state.h"
#include "hx_exit.h"

#define DR6_FIXED1	0xffff0ff0ULL	/* bits that read as 1 [SDM 17.2.3] */
#define DR7_FIXED1	0x400ULL
#define DR7_RSVD0	0xd800ULL	/* bits 11, 12, 14, 15 */

static bool canonical(u64 a)
{
	return (u64)(((s64)a << 16) >> 16) == a;
}

/* Architectural exceptions the module injects or re-injects. */
static bool exception_ok(u8 vec, bool has_err)
{
	static const u32 with_err = BIT(8) | BIT(10) | BIT(11) | BIT(12) |
				    BIT(13) | BIT(14) | BIT(17) | BIT(21);

	if (vec > 21 || vec == 2 || vec == 9 || vec == 15)
		return false;
	return has_err == !!(with_err & BIT(vec));
}

static int vstate_check(struct hx_vcpu *vcpu, const struct hxen_vcpu_state *st)
{
	struct hx_lapic ref;
	unsigned int i;

	if (st->version != HXEN_STATE_VERSION || st->flags || st->reserved0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(st->reserved); i++)
		if (st->reserved[i])
			return -EINVAL;
	if (st->event_valid > 1 || st->int_shadow > 1 || st->mp_state > HX_MP_WAIT_SIPI)
		return -EINVAL;
	/* hxen never delivers an NMI to a guest: no NMI can be in flight. */
	if (st->nmi_masked || st->nmi_pending)
		return -EINVAL;
	if (!st->event_valid) {
		if (st->event_type || st->event_vector || st->event_has_error ||
		    st->event_error)
			return -EINVAL;
	} else if (st->event_type == HXEN_EVENT_INTR) {
		/* HXEN_INTERRUPT takes 32..255; the Xen callback vector >= 0x10 */
		if (st->event_vector < 0x10 || st->event_has_error || st->event_error)
			return -EINVAL;
	} else if (st->event_type == HXEN_EVENT_EXCEPTION) {
		if (!exception_ok(st->event_vector, st->event_has_error))
			return -EINVAL;
		if (!st->event_has_error && st->event_error)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	/*
	 * An interrupt is never queued in an interrupt shadow (it waits for
	 * the window), and VM entry refuses one there [SDM 26.3.1.5].
	 */
	if (st->event_valid && st->event_type == HXEN_EVENT_INTR && st->int_shadow)
		return -EINVAL;
	/*
	 * Nor with IF clear (VM entry refuses that too, SDM 26.3.1.5): an
	 * interrupt being delivered had IF set.  HXEN_SET_REGS comes first.
	 */
	if (st->event_valid && st->event_type == HXEN_EVENT_INTR &&
	    !(vcpu->regs.rflags & X86_EFLAGS_IF))
		return -EINVAL;
	if (st->sipi_vector > 256 || st->init_pending > 1)
		return -EINVAL;
	for (i = 0; i < 4; i++)
		if (!canonical(st->dr[i]))
			return -EINVAL;
	if ((st->dr6 >> 32) || (st->dr6 & DR6_FIXED1 & ~0x10000ULL) !=
	    (DR6_FIXED1 & ~0x10000ULL) || (st->dr6 & 0x1000))
		return -EINVAL;
	if ((st->dr7 >> 32) || !(st->dr7 & DR7_FIXED1) || (st->dr7 & DR7_RSVD0))
		return -EINVAL;
	/* HXEN_INTERRUPT refuses vectors below 32. */
	if (st->irq_pending[0] & 0xffffffffULL)
		return -EINVAL;
	/* The LAPIC model: fixed ID and version, IRR/ISR/TMR never set. */
	hx_lapic_reset(&ref, vcpu->id);
	if (st->lapic[HX_LAPIC_ID >> 4] != ref.reg[HX_LAPIC_ID >> 4] ||
	    st->lapic[HX_LAPIC_LVR >> 4] != ref.reg[HX_LAPIC_LVR >> 4])
		return -EINVAL;
	for (i = HX_LAPIC_ISR0 >> 4; i <= HX_LAPIC_IRR7 >> 4; i++)
		if (st->lapic[i])
			return -EINVAL;
	return 0;
}

static long vstate_get(struct hx_vcpu *vcpu, void __user *uarg)
{
	struct hxen_vcpu_state st;
	struct hx_vm *vm = vcpu->vm;
	unsigned int i;
	int r;

	/*
	 * An I/O or MMIO read the monitor has answered but the guest has not
	 * seen yet is finished now, so the saved registers hold its result.
	 */
	down_read(&vm->mem_lock);
	r = hx_complete_pending(vcpu);
	up_read(&vm->mem_lock);
	if (r == HX_TO_USER)
		return -EBUSY;
	memset(&st, 0, sizeof(st));
	st.version = HXEN_STATE_VERSION;
	hx_ops->get_vstate(vcpu, &st);
	/* The SVM backend never injects NMIs; the VMX one reads blocking. */
	st.nmi_masked = 0;
	st.mp_state = vcpu->mp_state;
	st.sipi_vector = atomic_read(&vcpu->sipi_vector);
	st.init_pending = atomic_read(&vcpu->init_pending);
	for (i = 0; i < 256; i++)
		if (test_bit(i, vcpu->irq_pending))
			st.irq_pending[i / 64] |= 1ULL << (i % 64);
	BUILD_BUG_ON(sizeof(st.lapic) != sizeof(vcpu->lapic.reg));
	memcpy(st.lapic, vcpu->lapic.reg, sizeof(st.lapic));
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long vstate_set(struct hx_vcpu *vcpu, void __user *uarg)
{
	struct hxen_vcpu_state st;
	unsigned int i;
	int r;

	if (copy_from_user(&st, uarg, sizeof(st)))
		return -EFAULT;
	r = vstate_check(vcpu, &st);
	if (r)
		return r;
	hx_ops->set_vstate(vcpu, &st);
	vcpu->pending.kind = HX_PENDING_NONE;
	vcpu->mp_state = st.mp_state;
	atomic_set(&vcpu->sipi_vector, st.sipi_vector);
	atomic_set(&vcpu->init_pending, st.init_pending);
	for (i = 0; i < 256; i++) {
		if (st.irq_pending[i / 64] & (1ULL << (i % 64)))
			set_bit(i, vcpu->irq_pending);
		else
			clear_bit(i, vcpu->irq_pending);
	}
	memcpy(vcpu->lapic.reg, st.lapic, sizeof(st.lapic));
	atomic_set(&vcpu->req, 1);
	return 0;
}

long hx_state_vcpu_ioctl(struct hx_vcpu *vcpu, unsigned int cmd, void __user *uarg)
{
	switch (cmd) {
	case HXEN_GET_VCPU_STATE:
		return vstate_get(vcpu, uarg);
	case HXEN_SET_VCPU_STATE:
		return vstate_set(vcpu, uarg);
	case HXEN_XEN_GET_VCPU_STATE:
		return vcpu->xen ? hx_xen_vcpu_state_get(vcpu, uarg) : -ENXIO;
	case HXEN_XEN_SET_VCPU_STATE:
		return vcpu->xen ? hx_xen_vcpu_state_set(vcpu, uarg) : -ENXIO;
	default:
		return -ENOTTY;
	}
}

/* ---- VM-wide: all vCPUs stopped ------------------------------------------ */

int hx_state_lock_vcpus(struct hx_vm *vm)
{
	unsigned int i;

	for (i = 0; i < HX_MAX_VCPUS; i++) {
		if (!vm->vcpus[i] || mutex_trylock(&vm->vcpus[i]->lock))
			continue;
		while (i--)
			if (vm->vcpus[i])
				mutex_unlock(&vm->vcpus[i]->lock);
		return -EBUSY;
	}
	return 0;
}

void hx_state_unlock_vcpus(struct hx_vm *vm)
{
	unsigned int i;

	for (i = 0; i < HX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			mutex_unlock(&vm->vcpus[i]->lock);
}

static long tsc_get(struct hx_vm *vm, void __user *uarg)
{
	struct hxen_tsc t = { 0 };
	struct hx_vcpu *v0 = vm->vcpus[0];

	t.guest_tsc = rdtsc_ordered() + (v0 ? (u64)v0->msr.tsc_offset : 0);
	t.tsc_khz = tsc_khz;
	return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
}

/* One offset for every vCPU: their TSCs stay in step (pvclock needs it). */
static long tsc_set(struct hx_vm *vm, void __user *uarg)
{
	struct hxen_tsc t;
	unsigned int i;
	s64 off;

	if (copy_from_user(&t, uarg, sizeof(t)))
		return -EFAULT;
	if (t.reserved || t.reserved2[0] || t.reserved2[1])
		return -EINVAL;
	off = (s64)(t.guest_tsc - rdtsc_ordered());
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		struct hx_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		v->msr.tsc_offset = off;
		hx_ops->set_tsc_offset(v, off);
	}
	return 0;
}

long hx_state_vm_ioctl(struct hx_vm *vm, unsigned int cmd, void __user *uarg)
{
	long r;

	switch (cmd) {
	case HXEN_GET_CPUID:
	case HXEN_SET_CPUID_MASK:
		return hx_level_vm_ioctl(vm, cmd, uarg);
	case HXEN_GET_TSC:
	case HXEN_SET_TSC:
	case HXEN_XEN_GET_STATE:
	case HXEN_XEN_SET_STATE:
		break;
	default:
		return -ENOTTY;
	}
	if ((cmd == HXEN_XEN_GET_STATE || cmd == HXEN_XEN_SET_STATE) && !vm->xen)
		return -ENXIO;
	mutex_lock(&vm->lock);
	r = hx_state_lock_vcpus(vm);
	if (r) {
		mutex_unlock(&vm->lock);
		return r;
	}
	switch (cmd) {
	case HXEN_GET_TSC:
		r = tsc_get(vm, uarg);
		break;
	case HXEN_SET_TSC:
		r = tsc_set(vm, uarg);
		break;
	case HXEN_XEN_GET_STATE:
		r = hx_xen_state_get(vm, uarg);
		break;
	default:
		r = hx_xen_state_set(vm, uarg);
		break;
	}
	hx_state_unlock_vcpus(vm);
	mutex_unlock(&vm->lock);
	return r;
}
