// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory slots: validation, pinning (FOLL_LONGTERM), nested page
 * table mappings, and in-kernel guest-physical access.
 *
 * A slot is pinned and mapped lazily, 2 MiB of guest-physical space at a
 * time (HX_CHUNK_PAGES), when the guest or the module first touches it: a
 * VM starts without faulting in, zeroing and pinning all its RAM (for a
 * 256 MiB guest in the emulated host that was 0.7 s of a 4 s boot), and
 * RAM the guest never touches is never committed.  Once pinned, a page
 * stays pinned and mapped until its slot goes.  Pages are pinned only from
 * the process that created the VM (vm->mm).
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

static int gpa_access(struct hx_vm *vm, u64 gpa, void *buf, u32 len, bool write,
		      bool may_pin)
{
	u8 *p = buf;

	while (len) {
		struct hx_slot *s = hx_slot_find(vm, gpa);
		u32 off = gpa & ~PAGE_MASK;
		u32 chunk = min_t(u32, len, PAGE_SIZE - off);
		void *va;

		struct page *pg;

		if (!s || (write && (s->flags & HXEN_MEM_READONLY)))
			return -EFAULT;
		pg = READ_ONCE(s->pages[(gpa - s->gpa) >> PAGE_SHIFT]);
		if (!pg && !may_pin)
			return -EAGAIN;
		if (!pg)
			pg = hx_slot_page(vm, s, gpa);
		if (!pg)
			return -EFAULT;
		if (write && s->dirty)
			set_bit((gpa - s->gpa) >> PAGE_SHIFT, s->dirty);
		va = kmap_local_page(pg);
		if (write)
			memcpy(va + off, p, chunk);
		else
			memcpy(p, va + off, chunk);
		kunmap_local(va);
		p += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int hx_gpa_read(struct hx_vm *vm, u64 gpa, void *buf, u32 len)
{
	return gpa_access(vm, gpa, buf, len, false, true);
}

int hx_gpa_read_pinned(struct hx_vm *vm, u64 gpa, void *buf, u32 len)
{
	return gpa_access(vm, gpa, buf, len, false, false);
}

void hx_mem_prefault(struct hx_vcpu *vcpu)
{
	struct hx_vm *vm = vcpu->vm;
	u64 gpa = vcpu->prefault_gpa;
	struct hx_slot *s = hx_slot_find(vm, gpa);

	vcpu->prefault_gpa = HX_NO_GPA;
	if (!s || !hx_slot_page(vm, s, gpa))
		vcpu->prefault_failed = true;
}

int hx_gpa_write(struct hx_vm *vm, u64 gpa, const void *buf, u32 len)
{
	return gpa_access(vm, gpa, (void *)buf, len, true, true);
}

void hx_mem_kick_all(struct hx_vm *vm);

static void slot_unpin(struct hx_slot *s, unsigned long n)
{
	unsigned long i;

	if (!s->pages)
		return;
	for (i = 0; i < n; i++) {
		struct page *pg = s->pages[i];

		if (!pg)
			continue;
		if (s->flags & HXEN_MEM_READONLY)
			unpin_user_page(pg);
		else
			unpin_user_pages_dirty_lock(&pg, 1, true);
	}
	kvfree(s->pages);
	s->pages = NULL;
	kvfree(s->dirty);
	s->dirty = NULL;
}

/* Nested-table rights of a freshly mapped page of @s. */
static u32 slot_prot(const struct hx_slot *s)
{
	/* Dirty-logged pages start read-only: the first write faults and is logged. */
	return HX_PROT_R | HX_PROT_X |
	       ((s->flags & (HXEN_MEM_READONLY | HXEN_MEM_DIRTY_LOG)) ? 0 : HX_PROT_W);
}

/*
 * Pin and map the pages of the 2 MiB chunk around @gpa that are not yet
 * (vm->mem_lock held for read; process context).  A guest-physical page
 * that already has a mapping (a grant frame placed over RAM) keeps it.
 */
static int slot_populate(struct hx_vm *vm, struct hx_slot *s, u64 gpa)
{
	unsigned int gup = FOLL_LONGTERM | ((s->flags & HXEN_MEM_READONLY) ? 0 : FOLL_WRITE);
	u64 base = gpa & ~(HX_CHUNK_PAGES * PAGE_SIZE - 1);
	u64 lo = max(s->gpa, base);
	u64 hi = min(s->gpa + s->size, base + HX_CHUNK_PAGES * PAGE_SIZE);
	unsigned long start = (lo - s->gpa) >> PAGE_SHIFT;
	unsigned long end = (hi - s->gpa) >> PAGE_SHIFT;
	unsigned long i, j, k;
	int got, ret = 0;

	if (current->mm != vm->mm)
		return -EFAULT;
	mutex_lock(&vm->npt_lock);
	for (i = start; i < end && !ret; i = j) {
		if (s->pages[i]) {
			j = i + 1;
			continue;
		}
		for (j = i; j < end && !s->pages[j]; j++)
			;
		/*
		 * Into vm->pin_scratch first: readers look at s->pages without
		 * the lock, so only pages that stay pinned are published.
		 */
		got = pin_user_pages_fast(s->uaddr + i * PAGE_SIZE, j - i, gup,
					  vm->pin_scratch);
		if (got != (int)(j - i)) {
			if (got > 0)
				unpin_user_pages(vm->pin_scratch, got);
			ret = got < 0 ? got : -EFAULT;
			break;
		}
		for (k = i; k < j; k++)
			WRITE_ONCE(s->pages[k], vm->pin_scratch[k - i]);
		for (k = i; k < j && !ret; k++)
			if (!hx_npt_present(vm, s->gpa + k * PAGE_SIZE))
				ret = hx_npt_map(vm, s->gpa + k * PAGE_SIZE,
						 page_to_phys(s->pages[k]),
						 slot_prot(s));
	}
	mutex_unlock(&vm->npt_lock);
	return ret;
}

struct page *hx_slot_page(struct hx_vm *vm, struct hx_slot *s, u64 gpa)
{
	unsigned long idx = (gpa - s->gpa) >> PAGE_SHIFT;
	struct page *pg = READ_ONCE(s->pages[idx]);

	if (pg || slot_populate(vm, s, gpa))
		return pg;
	return READ_ONCE(s->pages[idx]);
}

int hx_mem_populate(struct hx_vm *vm, struct hx_slot *s, u64 gpa)
{
	if (READ_ONCE(s->pages[(gpa - s->gpa) >> PAGE_SHIFT]))
		return -EEXIST;
	return slot_populate(vm, s, gpa);
}

/*
 * Pages are pinned on first use, so check now that [uaddr, +size) is
 * mapped memory the caller may use this way: a bad range is refused at
 * registration, not found by the guest later.
 */
static int slot_check_vmas(const struct hxen_memory_slot *m)
{
	struct mm_struct *mm = current->mm;
	u64 addr = m->uaddr, end = m->uaddr + m->size;
	int ret = 0;

	mmap_read_lock(mm);
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start > addr ||
		    (vma->vm_flags & (VM_IO | VM_PFNMAP)) ||
		    !(vma->vm_flags & VM_READ) ||
		    (!(m->flags & HXEN_MEM_READONLY) && !(vma->vm_flags & VM_WRITE))) {
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
	/* More than the host's RAM can never be pinned. */
	if ((m->size >> PAGE_SHIFT) > totalram_pages())
		return -ENOMEM;
	if (m->uaddr + m->size < m->uaddr || m->uaddr + m->size > TASK_SIZE_MAX ||
	    !access_ok((void __user *)(unsigned long)m->uaddr, m->size))
		return -EINVAL;
	for (i = 0; i < HX_MAX_SLOTS; i++) {
		const struct hx_slot *s = &vm->slots[i];

		if (s->size && m->gpa < s->gpa + s->size && s->gpa < m->gpa + m->size)
			return -EEXIST;
	}
	return 0;
}

/* Make sure no vCPU is in guest mode on stale mappings, then change. */
void hx_mem_kick_all(struct hx_vm *vm)
{
	unsigned int i;

	for (i = 0; i < HX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hx_vcpu_kick(vm->vcpus[i]);
}

static void slot_unmap(struct hx_vm *vm, struct hx_slot *s, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		hx_npt_unmap(vm, s->gpa + i * PAGE_SIZE);
	atomic_inc(&vm->tlb_gen);
}

static int slot_remove(struct hx_vm *vm, u32 idx)
{
	struct hx_slot old = vm->slots[idx];

	if (!old.size)
		return -ENOENT;
	hx_mem_kick_all(vm);
	down_write(&vm->mem_lock);
	slot_unmap(vm, &old, old.npages);
	memset(&vm->slots[idx], 0, sizeof(vm->slots[idx]));
	up_write(&vm->mem_lock);
	/* No vCPU can use the pages now: each flushes at its next entry. */
	slot_unpin(&old, old.npages);
	return 0;
}

int hx_mem_set_slot(struct hx_vm *vm, const struct hxen_memory_slot *m)
{
	struct hx_slot s = { 0 };
	int ret;

	mutex_lock(&vm->lock);
	if (!m->size) {
		ret = m->slot < HX_MAX_SLOTS ? slot_remove(vm, m->slot) : -EINVAL;
		goto out;
	}
	ret = slot_validate(vm, m);
	if (ret)
		goto out;
	if (current->mm != vm->mm) {
		ret = -EPERM;	/* pages are pinned from the VM's process */
		goto out;
	}
	ret = slot_check_vmas(m);
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
	/* pinned and mapped on first use (slot_populate) */
	s.pages = kvcalloc(s.npages, sizeof(*s.pages),
			   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!s.pages) {
		ret = -ENOMEM;
		goto out;
	}
	if (s.flags & HXEN_MEM_DIRTY_LOG) {
		s.dirty = kvzalloc(BITS_TO_LONGS(s.npages) * sizeof(long), GFP_KERNEL_ACCOUNT);
		if (!s.dirty) {
			slot_unpin(&s, 0);
			ret = -ENOMEM;
			goto out;
		}
	}
	down_write(&vm->mem_lock);
	vm->slots[m->slot] = s;
	up_write(&vm->mem_lock);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* VM teardown: no vCPU runs any more. */
void hx_mem_free_all(struct hx_vm *vm)
{
	unsigned int i;

	for (i = 0; i < HX_MAX_SLOTS; i++) {
		struct hx_slot *s = &vm->slots[i];

		if (s->size)
			slot_unpin(s, s->npages);
		memset(s, 0, sizeof(*s));
	}
}
