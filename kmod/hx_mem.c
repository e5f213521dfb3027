// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory slots: validation, registration, and in-kernel
 * guest-physical access.  Mapping is hx_mmu.c's job.
 */
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/uaccess.h>
#include <linux/sched.h>
#include "hx_vm.h"

struct hx_slot *hx_slot_find(struct hx_vm *vm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < HX_MAX_SLOTS; i++) {
		struct hx_slot *s = &vm->slots[i];

		if (s->size && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/*
 * Guest RAM is the monitor's own memory: in-kernel accesses go through its
 * page tables (copy_{from,to}_user), so they see exactly what the monitor
 * and, after the MMU notifier's zaps, the guest see.  Only the monitor's
 * threads get here (hx_mmu_mm_ok() is checked at every ioctl).
 */
static int gpa_access(struct hx_vm *vm, u64 gpa, void *buf, u32 len, bool write,
		      bool nofault)
{
	u8 *p = buf;

	while (len) {
		struct hx_slot *s = hx_slot_find(vm, gpa);
		u32 off = gpa & ~PAGE_MASK;
		u32 chunk = min_t(u32, len, PAGE_SIZE - off);
		void __user *hva;
		unsigned long left;

		if (!s || (write && (s->flags & HXEN_MEM_READONLY)))
			return -EFAULT;
		hva = (void __user *)(unsigned long)(s->uaddr + (gpa - s->gpa));
		if (write && nofault)
			left = copy_to_user_nofault(hva, p, chunk);
		else if (write)
			left = copy_to_user(hva, p, chunk);
		else if (nofault)
			left = copy_from_user_nofault(p, hva, chunk);
		else
			left = copy_from_user(p, hva, chunk);
		if (left)
			return -EFAULT;
		if (write)
			hx_dirty_mark(s, gpa);
		p += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int hx_gpa_read(struct hx_vm *vm, u64 gpa, void *buf, u32 len)
{
	return gpa_access(vm, gpa, buf, len, false, false);
}

/* With preemption off (VMX PDPTE loads): fails rather than faults a page in. */
int hx_gpa_read_nofault(struct hx_vm *vm, u64 gpa, void *buf, u32 len)
{
	return gpa_access(vm, gpa, buf, len, false, true);
}

int hx_gpa_write(struct hx_vm *vm, u64 gpa, const void *buf, u32 len)
{
	return gpa_access(vm, gpa, (void *)buf, len, true, false);
}

/*
 * The monitor's range must be mapped now with the access the slot needs
 * (what pinning used to check); a later munmap/mprotect stops the vCPU
 * that touches the page instead (HXEN_INTERNAL_FAULT).
 */
int hx_mem_check_vmas(unsigned long addr, unsigned long size, bool write)
{
	unsigned long end = addr + size;
	unsigned long need = VM_READ | (write ? VM_WRITE : 0);
	struct mm_struct *mm = current->mm;
	int ret = 0;

	mmap_read_lock(mm);
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start > addr || (vma->vm_flags & need) != need ||
		    (vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			ret = -EFAULT;
			break;
		}
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

static int slot_validate(struct hx_vm *vm, const struct hxen_memory_slot *m)
{
	unsigned int i;

	if (m->slot >= HX_MAX_SLOTS)
		return -EINVAL;
	if (m->flags & ~(HXEN_MEM_READONLY | HXEN_MEM_DIRTY_LOG))
		return -EINVAL;
	if ((m->flags & HXEN_MEM_DIRTY_LOG) && (m->flags & HXEN_MEM_READONLY))
		return -EINVAL;		/* nothing to log */
	if ((m->gpa | m->size | m->uaddr) & ~PAGE_MASK)
		return -EINVAL;
	if (m->gpa + m->size < m->gpa || m->gpa + m->size > hx_caps.max_gpa)
		return -EINVAL;
	if (m->uaddr + m->size < m->uaddr || m->uaddr + m->size > TASK_SIZE_MAX ||
	    !access_ok((void __user *)(unsigned long)m->uaddr, m->size))
		return -EINVAL;
	for (i = 0; i < HX_MAX_SLOTS; i++) {
		const struct hx_slot *s = &vm->slots[i];

		if (s->size && m->gpa < s->gpa + s->size && s->gpa < m->gpa + m->size)
			return -EEXIST;
	}
	return hx_mem_check_vmas(m->uaddr, m->size, !(m->flags & HXEN_MEM_READONLY));
}

/* Make sure no vCPU stays in guest mode or in an exit handler. */
void hx_mem_kick_all(struct hx_vm *vm)
{
	unsigned int i;

	for (i = 0; i < HX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hx_vcpu_kick(vm->vcpus[i]);
}

static int slot_remove(struct hx_vm *vm, u32 idx)
{
	struct hx_slot old = vm->slots[idx];

	if (!old.size)
		return -ENOENT;
	/* vCPUs leave the guest and their exit handlers first. */
	hx_mem_kick_all(vm);
	down_write(&vm->mem_lock);
	spin_lock(&vm->mmu_lock);	/* the MMU notifier reads the slots */
	memset(&vm->slots[idx], 0, sizeof(vm->slots[idx]));
	spin_unlock(&vm->mmu_lock);
	hx_mmu_zap(vm, old.gpa, old.size);
	if (old.balloon)
		atomic_long_sub(bitmap_weight(old.balloon, old.npages), &vm->nr_ballooned);
	up_write(&vm->mem_lock);
	kvfree(old.dirty);
	kvfree(old.balloon);
	return 0;
}

/*
 * Nothing is pinned or mapped here: the nested page table gets each page
 * when the guest first touches it (hx_mmu_fault), so a slot costs
 * nothing until used, and the host may swap, migrate or merge its pages.
 */
int hx_mem_set_slot(struct hx_vm *vm, const struct hxen_memory_slot *m)
{
	struct hx_slot s = { 0 };
	int ret;

	if (!hx_mmu_mm_ok(vm))
		return -EIO;
	mutex_lock(&vm->lock);
	if (!m->size) {
		ret = m->slot < HX_MAX_SLOTS ? slot_remove(vm, m->slot) : -EINVAL;
		goto out;
	}
	ret = slot_validate(vm, m);
	if (ret)
		goto out;
	if (vm->slots[m->slot].size) {
		ret = -EEXIST;	/* remove it first */
		goto out;
	}
	s.gpa = m->gpa;
	s.size = m->size;
	s.uaddr = m->uaddr;
	s.flags = m->flags;
	s.npages = m->size >> PAGE_SHIFT;
	if (s.flags & HXEN_MEM_DIRTY_LOG) {
		s.dirty = kvzalloc(BITS_TO_LONGS(s.npages) * sizeof(long), GFP_KERNEL_ACCOUNT);
		if (!s.dirty) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (!(s.flags & HXEN_MEM_READONLY)) {
		s.balloon = kvzalloc(BITS_TO_LONGS(s.npages) * sizeof(long), GFP_KERNEL_ACCOUNT);
		if (!s.balloon) {
			kvfree(s.dirty);
			ret = -ENOMEM;
			goto out;
		}
	}
	down_write(&vm->mem_lock);
	spin_lock(&vm->mmu_lock);
	vm->slots[m->slot] = s;
	spin_unlock(&vm->mmu_lock);
	up_write(&vm->mem_lock);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* VM teardown: no vCPU runs any more. */
void hx_mem_free_all(struct hx_vm *vm)
{
	unsigned int i;

	hx_mmu_destroy(vm);
	for (i = 0; i < HX_MAX_SLOTS; i++) {
		kvfree(vm->slots[i].dirty);
		kvfree(vm->slots[i].balloon);
		memset(&vm->slots[i], 0, sizeof(vm->slots[i]));
	}
}
