// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU objects and the vCPU fd: run page mmap, register/MSR/FPU access,
 * interrupt queueing and kicks.  The run loop itself is in hx_run.c.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include "hx_vm.h"
#include "hx_state.h"
#include "hx_hooks.h"
#include "hx_pgwalk.h"
#include "hx_msr_io.h"

void hx_vcpu_free(struct hx_vcpu *vcpu)
{
	if (vcpu->vm->xen)
		hx_xen_vcpu_destroy(vcpu);
	if (vcpu->arch)
		hx_ops->vcpu_destroy(vcpu);
	if (vcpu->run_page)
		__free_page(vcpu->run_page);
	kfree(vcpu->fpu);
	kfree(vcpu);
}

void hx_vcpu_kick(struct hx_vcpu *vcpu)
{
	int cpu;

	atomic_set(&vcpu->req, 1);
	smp_mb__after_atomic();
	wake_up_interruptible(&vcpu->wq);
	cpu = READ_ONCE(vcpu->guest_cpu);
	/* Any interrupt makes the guest exit (INTR intercept). */
	if (cpu >= 0 && cpu != raw_smp_processor_id())
		smp_send_reschedule(cpu);
}

void hx_vcpu_queue_irq(struct hx_vcpu *vcpu, u8 vector)
{
	set_bit(vector, vcpu->irq_pending);
	hx_vcpu_kick(vcpu);
}

/* --- page-walk context for this vCPU ------------------------------------ */

static int walk_read(void *opaque, u64 gpa, void *buf, u32 len)
{
	return hx_gpa_read(opaque, gpa, buf, len);
}

static int walk_write(void *opaque, u64 gpa, const void *buf, u32 len)
{
	return hx_gpa_write(opaque, gpa, buf, len);
}

void hx_vcpu_walk_ctx(struct hx_vcpu *vcpu, struct hx_walk_ctx *ctx)
{
	struct hxen_sregs s;

	hx_ops->get_sregs(vcpu, &s);
	ctx->cr0 = s.cr0;
	ctx->cr3 = s.cr3;
	ctx->cr4 = s.cr4;
	ctx->efer = s.efer;
	ctx->cpl = hx_ops->get_cpl(vcpu);
	ctx->read_gpa = walk_read;
	ctx->write_gpa = walk_write;
	ctx->opaque = vcpu->vm;
}

/* --- ioctls -------------------------------------------------------------- */

static long hx_vcpu_msrs(struct hx_vcpu *vcpu, void __user *uarg, bool set)
{
	struct hxen_msr_entry *e;
	struct hxen_msrs m;
	struct hx_msr_io io;
	u32 i;
	long ret;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	if (m.nmsrs > HXEN_MAX_MSRS || m.reserved)
		return -EINVAL;
	e = memdup_user((void __user *)(unsigned long)m.entries_uaddr,
			m.nmsrs * sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	hx_msr_io_init(vcpu, &io);
	for (i = 0; i < m.nmsrs; i++) {
		if (set)
			ret = hx_msr_write(&vcpu->msr, &io, e[i].index, e[i].data);
		else
			ret = hx_msr_read(&vcpu->msr, &io, e[i].index, &e[i].data);
		if (ret)
			break;
	}
	ret = i;
	if (!set && copy_to_user((void __user *)(unsigned long)m.entries_uaddr, e,
				 m.nmsrs * sizeof(*e)))
		ret = -EFAULT;
	kfree(e);
	return ret;
}

static long hx_vcpu_fpu_ioctl(struct hx_vcpu *vcpu, void __user *uarg, bool set)
{
	struct hxen_fpu *f = kzalloc(sizeof(*f), GFP_KERNEL);
	long ret;

	if (!f)
		return -ENOMEM;
	if (set) {
		ret = copy_from_user(f, uarg, sizeof(*f)) ? -EFAULT : hx_fpu_set(vcpu, f);
	} else {
		ret = hx_fpu_get(vcpu, f);
		if (!ret && copy_to_user(uarg, f, sizeof(*f)))
			ret = -EFAULT;
	}
	kfree(f);
	return ret;
}

static long hx_vcpu_ioctl_locked(struct hx_vcpu *vcpu, unsigned int cmd,
				 void __user *uarg)
{
	switch (cmd) {
	case HXEN_RUN:
		return hx_vcpu_run(vcpu);
	case HXEN_GET_REGS:
		return copy_to_user(uarg, &vcpu->regs, sizeof(vcpu->regs)) ? -EFAULT : 0;
	case HXEN_SET_REGS: {
		struct hxen_regs r;

		if (copy_from_user(&r, uarg, sizeof(r)))
			return -EFAULT;
		/* Reserved RFLAGS bits: bit 1 is 1, 3/5/15/22-63 are 0. */
		r.rflags = (r.rflags & 0x3f7fd5ULL) | 2;
		vcpu->regs = r;
		vcpu->pending.kind = HX_PENDING_NONE;	/* user space took over */
		vcpu->mp_state = HX_MP_RUNNABLE;
		return 0;
	}
	case HXEN_GET_SREGS: {
		struct hxen_sregs s;

		memset(&s, 0, sizeof(s));
		hx_ops->get_sregs(vcpu, &s);
		s.apic_base = vcpu->msr.apic_base;
		return copy_to_user(uarg, &s, sizeof(s)) ? -EFAULT : 0;
	}
	case HXEN_SET_SREGS: {
		struct hxen_sregs s;
		struct hx_msr_io io;
		int ret;

		if (copy_from_user(&s, uarg, sizeof(s)))
			return -EFAULT;
		hx_msr_io_init(vcpu, &io);
		ret = hx_msr_write(&vcpu->msr, &io, HX_MSR_APIC_BASE, s.apic_base);
		if (ret)
			return -EINVAL;
		ret = hx_ops->set_sregs(vcpu, &s);
		if (!ret) {
			vcpu->pending.kind = HX_PENDING_NONE;
			vcpu->mp_state = HX_MP_RUNNABLE;
		}
		return ret;
	}
	case HXEN_GET_MSRS:
		return hx_vcpu_msrs(vcpu, uarg, false);
	case HXEN_SET_MSRS:
		return hx_vcpu_msrs(vcpu, uarg, true);
	case HXEN_GET_FPU:
		return hx_vcpu_fpu_ioctl(vcpu, uarg, false);
	case HXEN_SET_FPU:
		return hx_vcpu_fpu_ioctl(vcpu, uarg, true);
	default:
		return hx_state_vcpu_ioctl(vcpu, cmd, uarg);
	}
}

static long hx_vcpu_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct hx_vcpu *vcpu = f->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (!hx_mmu_mm_ok(vcpu->vm))
		return -EIO;	/* another process (fork, fd passing) */
	/* These two come from other threads while RUN holds vcpu->lock. */
	if (cmd == HXEN_INTERRUPT) {
		struct hxen_interrupt irq;

		if (copy_from_user(&irq, uarg, sizeof(irq)))
			return -EFAULT;
		if (irq.vector < 32 || irq.vector > 255 || irq.flags)
			return -EINVAL;
		hx_vcpu_queue_irq(vcpu, irq.vector);
		return 0;
	}
	if (cmd == HXEN_KICK) {
		atomic_set(&vcpu->kick, 1);
		hx_vcpu_kick(vcpu);
		return 0;
	}
	if (mutex_lock_interruptible(&vcpu->lock))
		return -EINTR;
	ret = hx_vcpu_ioctl_locked(vcpu, cmd, uarg);
	mutex_unlock(&vcpu->lock);
	return ret;
}

static int hx_vcpu_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct hx_vcpu *vcpu = f->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != HXEN_RUN_PAGE_SIZE ||
	    !(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_EXEC))
		return -EINVAL;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_flags &= ~VM_MAYEXEC;
	return vm_insert_page(vma, vma->vm_start, vcpu->run_page);
}

static int hx_vcpu_release(struct inode *inode, struct file *f)
{
	struct hx_vcpu *vcpu = f->private_data;

	hx_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations hx_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = hx_vcpu_release,
	.unlocked_ioctl = hx_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hx_vcpu_mmap,
	.llseek = noop_llseek,
};

static struct hx_vcpu *hx_vcpu_alloc(struct hx_vm *vm, u32 id)
{
	struct hx_vcpu *vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);

	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->lock);
	init_waitqueue_head(&vcpu->wq);
	vcpu->guest_cpu = -1;
	vcpu->last_cpu = -1;
	vcpu->offered_vec = -1;
	vcpu->tlb_gen = -1;
	vcpu->regs.rip = 0xfff0;
	vcpu->regs.rflags = 2;
	hx_msr_reset(&vcpu->msr, id == 0);
	hx_lapic_reset(&vcpu->lapic, id);
	/* APs wait for INIT/SIPI unless user space sets their registers. */
	vcpu->mp_state = id ? HX_MP_WAIT_SIPI : HX_MP_RUNNABLE;
	vcpu->run_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vcpu->run_page || hx_fpu_alloc(vcpu)) {
		hx_vcpu_free(vcpu);
		return NULL;
	}
	vcpu->run = page_address(vcpu->run_page);
	return vcpu;
}

int hx_vcpu_create_fd(struct hx_vm *vm, u32 id)
{
	struct hx_vcpu *vcpu;
	int ret, fd;

	if (id >= HX_MAX_VCPUS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		ret = -EEXIST;
		goto out;
	}
	ret = -ENOMEM;
	vcpu = hx_vcpu_alloc(vm, id);
	if (!vcpu)
		goto out;
	ret = hx_ops->vcpu_create(vcpu);
	if (ret) {
		hx_vcpu_free(vcpu);
		goto out;
	}
	if (vm->xen) {
		ret = hx_xen_vcpu_create(vcpu);
		if (ret) {
			hx_vcpu_free(vcpu);
			goto out;
		}
	}
	hx_vm_get(vm);
	vm->vcpus[id] = vcpu;
	fd = anon_inode_getfd("hxen-vcpu", &hx_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		vm->vcpus[id] = NULL;
		hx_vcpu_free(vcpu);
		mutex_unlock(&vm->lock);
		hx_vm_put(vm);
		return fd;
	}
	ret = fd;
out:
	mutex_unlock(&vm->lock);
	return ret;
}
