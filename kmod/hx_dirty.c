// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty logging for HXEN_MEM_DIRTY_LOG slots: their pages are mapped
 * read-only in the nested page table; the first guest write faults, sets
 * the page's bit and makes the page writable again (hx_mmu_fault).
 * HXEN_GET_DIRTY_LOG hands out the bitmap, clears it and drops the
 * entries of the pages it listed, which come back read-only.
 * In-kernel writes through hx_gpa_write() are logged too.  Pages the Xen
 * layer keeps mapped (shared_info, vcpu_info) are written behind the log's
 * back: a migration must send them after the guest is paused.
 */
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "hx_vm.h"

/* A page of a logged slot was (or is about to be) written. */
void hx_dirty_mark(struct hx_slot *slot, u64 gpa)
{
	if (slot->dirty)
		set_bit((gpa - slot->gpa) >> PAGE_SHIFT, slot->dirty);
}

long hx_dirty_get_log(struct hx_vm *vm, const struct hxen_dirty_log *d)
{
	unsigned long *snap, words, i;
	struct hx_slot *s;
	long ret = 0;

	if (d->slot >= HX_MAX_SLOTS || d->reserved)
		return -EINVAL;
	mutex_lock(&vm->lock);
	s = &vm->slots[d->slot];
	if (!s->size || !s->dirty) {
		mutex_unlock(&vm->lock);
		return -ENOENT;
	}
	words = BITS_TO_LONGS(s->npages);
	snap = kvzalloc(words * sizeof(long), GFP_KERNEL_ACCOUNT);
	if (!snap) {
		mutex_unlock(&vm->lock);
		return -ENOMEM;
	}
	/* No vCPU may write between taking the bits and write-protecting. */
	hx_mem_kick_all(vm);
	down_write(&vm->mem_lock);
	for (i = 0; i < words; i++)
		snap[i] = xchg(&s->dirty[i], 0);
	/* Dropped entries come back read-only at the next read (hx_mmu_fault). */
	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	for_each_set_bit(i, snap, s->npages)
		hx_npt_zap_range(&vm->npt, s->gpa + i * PAGE_SIZE,
				 s->gpa + (i + 1) * PAGE_SIZE);
	spin_unlock(&vm->mmu_lock);
	hx_mmu_flush_all(vm);
	up_write(&vm->mem_lock);
	mutex_unlock(&vm->lock);

	/* The user layout is u64 words (same as unsigned long on x86-64). */
	if (copy_to_user((void __user *)(unsigned long)d->bitmap_uaddr, snap,
			 DIV_ROUND_UP(s->npages, 64) * 8))
		ret = -EFAULT;
	kvfree(snap);
	return ret;
}
