// SPDX-License-Identifier: GPL-2.0
/*
 * The balloon's host side (kmod/xen/xen_mem.c decides, per Xen's rules):
 * a frame the guest gives back loses the monitor's page at once, as
 * madvise(MADV_DONTNEED) would do, so the host gets the memory and the
 * monitor's RSS falls; the MMU notifier (hx_mmu.c) drops its nested entry
 * on the way.  Guest RAM is private anonymous memory (monitor/mem.c), so
 * a later touch reads a fresh zero page.  Each writable slot has a bitmap
 * of the frames given back; the reservation is the slots' pages minus
 * those.  Called from hypercalls: the vCPU thread, mem_lock held for read.
 */
#include <linux/mm.h>
#include <linux/bitops.h>
#include "hx_xen.h"

static struct hx_vm *bvm(struct hx_xen_vm *xvm)
{
	return ((struct hx_xen_gvm *)xvm->host)->vm;
}

static struct hx_slot *ram_slot_of(struct hx_vm *vm, u64 gfn, unsigned long *idx)
{
	struct hx_slot *s;

	if (gfn >= (hx_caps.max_gpa >> PAGE_SHIFT))
		return NULL;
	s = hx_slot_find(vm, gfn << PAGE_SHIFT);
	if (!s || !s->balloon)
		return NULL;
	*idx = ((gfn << PAGE_SHIFT) - s->gpa) >> PAGE_SHIFT;
	return s;
}

int hx_xen_host_balloon_out(struct hx_xen_vm *xvm, u64 gfn)
{
	struct hx_vm *vm = bvm(xvm);
	unsigned long idx, hva;
	struct vm_area_struct *vma;
	struct hx_slot *s = ram_slot_of(vm, gfn, &idx);

	if (!s || test_and_set_bit(idx, s->balloon))
		return -XE_INVAL;
	atomic_long_inc(&vm->nr_ballooned);
	hva = s->uaddr + idx * PAGE_SIZE;
	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, hva);
	/* What MADV_DONTNEED does; a hostile monitor's odd mapping is left be. */
	if (vma && vma->vm_start <= hva && !(vma->vm_flags & (VM_LOCKED | VM_HUGETLB | VM_PFNMAP)))
		zap_page_range(vma, hva, PAGE_SIZE);
	mmap_read_unlock(current->mm);
	return 0;
}

int hx_xen_host_balloon_in(struct hx_xen_vm *xvm, u64 gfn)
{
	struct hx_vm *vm = bvm(xvm);
	unsigned long idx;
	struct hx_slot *s = ram_slot_of(vm, gfn, &idx);

	if (!s)
		return -XE_INVAL;
	if (test_and_clear_bit(idx, s->balloon)) {
		atomic_long_dec(&vm->nr_ballooned);
		return 0;
	}
	/* Already backed: only fine while the guest is below its maximum. */
	return atomic_long_read(&vm->nr_ballooned) > 0 ? 0 : -XE_INVAL;
}

void hx_xen_host_reservation(struct hx_xen_vm *xvm, u64 *cur, u64 *max)
{
	struct hx_vm *vm = bvm(xvm);
	unsigned int i;

	*max = 0;
	for (i = 0; i < HX_MAX_SLOTS; i++)
		if (vm->slots[i].balloon)
			*max += vm->slots[i].npages;
	*cur = *max - min_t(u64, *max, atomic_long_read(&vm->nr_ballooned));
}
