// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects and the VM fd.  A VM lives while its fd or any vCPU fd is
 * open (vCPU fds hold a reference); the last reference frees vCPUs, slots
 * (and the MMU notifier on the monitor's mm), nested page tables and the Xen state, then
 * switches SVM/VMX off if it was the last VM.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "hx_vm.h"
#include "hx_state.h"
#include "hx_hooks.h"
#include "hx_cpuid.h"

static atomic_t hx_nr_vms = ATOMIC_INIT(0);
static atomic64_t hx_vm_serial = ATOMIC64_INIT(0);

void hx_vcpu_free(struct hx_vcpu *vcpu);

void hx_vm_get(struct hx_vm *vm)
{
	kref_get(&vm->ref);
}

static void hx_vm_release(struct kref *ref)
{
	struct hx_vm *vm = container_of(ref, struct hx_vm, ref);
	unsigned int i;

	hx_debugfs_vm_remove(vm);
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		if (vm->vcpus[i])
			hx_vcpu_free(vm->vcpus[i]);
		vm->vcpus[i] = NULL;
	}
	if (vm->xen)
		hx_xen_vm_destroy(vm);
	hx_ops->vm_destroy(vm);
	hx_mem_free_all(vm);
	hx_npt_free(&vm->npt);
	kfree(vm);
	hx_hw_put();
	atomic_dec(&hx_nr_vms);
}

void hx_vm_put(struct hx_vm *vm)
{
	kref_put(&vm->ref, hx_vm_release);
}

static int hx_vm_release_fd(struct inode *inode, struct file *f)
{
	hx_vm_put(f->private_data);
	return 0;
}

static bool hx_is_xen_ioctl(unsigned int cmd)
{
	return _IOC_TYPE(cmd) == HXEN_IOC && _IOC_NR(cmd) >= 0x20 && _IOC_NR(cmd) <= 0x3f;
}

static long hx_vm_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct hx_vm *vm = f->private_data;
	void __user *uarg = (void __user *)arg;

	/* Guest RAM addresses mean something in the creator's mm only. */
	if (!hx_mmu_mm_ok(vm))
		return -EIO;
	if (hx_is_xen_ioctl(cmd))
		return hx_xen_vm_ioctl(vm, cmd, arg);
	if (hx_is_state_ioctl(cmd))
		return hx_state_vm_ioctl(vm, cmd, (void __user *)arg);

	switch (cmd) {
	case HXEN_SET_MEMORY_SLOT: {
		struct hxen_memory_slot m;

		if (copy_from_user(&m, uarg, sizeof(m)))
			return -EFAULT;
		return hx_mem_set_slot(vm, &m);
	}
	case HXEN_CREATE_VCPU: {
		struct hxen_create_vcpu c;

		if (copy_from_user(&c, uarg, sizeof(c)))
			return -EFAULT;
		if (c.flags || c.id >= HX_MAX_VCPUS)
			return -EINVAL;
		return hx_vcpu_create_fd(vm, c.id);
	}
	case HXEN_GET_DIRTY_LOG: {
		struct hxen_dirty_log d;

		if (copy_from_user(&d, uarg, sizeof(d)))
			return -EFAULT;
		return hx_dirty_get_log(vm, &d);
	}
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hx_vm_fops = {
	.owner = THIS_MODULE,
	.release = hx_vm_release_fd,
	.unlocked_ioctl = hx_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int hx_vm_create_fd(u32 flags)
{
	struct hx_vm *vm;
	int ret, fd;

	if (atomic_inc_return(&hx_nr_vms) > HX_MAX_VMS) {
		atomic_dec(&hx_nr_vms);
		return -ENOSPC;
	}
	ret = hx_hw_get();
	if (ret) {
		atomic_dec(&hx_nr_vms);
		return ret;
	}
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		ret = -ENOMEM;
		goto fail_hw;
	}
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	init_rwsem(&vm->mem_lock);
	vm->serial = atomic64_inc_return(&hx_vm_serial);
	hx_cpuid_mask_all(&vm->cpuid_mask);
	ret = hx_mmu_npt_init(vm);
	if (ret)
		goto fail_vm;
	ret = hx_mmu_init(vm);
	if (ret)
		goto fail_npt;
	ret = hx_ops->vm_init(vm);
	if (ret)
		goto fail_mmu;
	hx_debugfs_vm_add(vm);
	fd = anon_inode_getfd("hxen-vm", &hx_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		/* The release path does the rest. */
		hx_vm_put(vm);
		return fd;
	}
	return fd;

fail_mmu:
	hx_mmu_destroy(vm);
fail_npt:
	hx_npt_free(&vm->npt);
fail_vm:
	kfree(vm);
fail_hw:
	hx_hw_put();
	atomic_dec(&hx_nr_vms);
	return ret;
}
