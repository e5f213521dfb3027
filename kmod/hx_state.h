/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Save/restore ioctls (HXEN_IOC 0x60..0x6f, include/hxen/hxen.h):
 * hx_state.c has the vCPU state and the TSC, hx_xen_state.c the Xen layer.
 */
#ifndef HX_STATE_H
#define HX_STATE_H

#include "hx_vm.h"

static inline bool hx_is_state_ioctl(unsigned int cmd)
{
	return _IOC_TYPE(cmd) == HXEN_IOC && _IOC_NR(cmd) >= 0x60 && _IOC_NR(cmd) <= 0x6f;
}

long hx_state_vm_ioctl(struct hx_vm *vm, unsigned int cmd, void __user *uarg);
/* Called with vcpu->lock held. */
long hx_state_vcpu_ioctl(struct hx_vcpu *vcpu, unsigned int cmd, void __user *uarg);

/*
 * Take every vCPU's lock without waiting: -EBUSY when one is inside
 * HXEN_RUN (the VM must be paused).  Caller holds vm->lock.
 */
int hx_state_lock_vcpus(struct hx_vm *vm);
void hx_state_unlock_vcpus(struct hx_vm *vm);

/* hx_xen_state.c; vm->lock and every vCPU lock held. */
long hx_xen_state_get(struct hx_vm *vm, void __user *uarg);
long hx_xen_state_set(struct hx_vm *vm, void __user *uarg);
/* vcpu->lock held */
long hx_xen_vcpu_state_get(struct hx_vcpu *vcpu, void __user *uarg);
long hx_xen_vcpu_state_set(struct hx_vcpu *vcpu, void __user *uarg);

#endif /* HX_STATE_H */
