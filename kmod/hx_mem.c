// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory slots: validation, pinning (FOLL_LONGTERM), nested page
 * table mappings, and in-kernel guest-physical access.
 */
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/uaccess.h>
#include <linux/sched.h>
#include "hx_vm.h"

/* Pin in chunks: pin_user_pages_fast takes an int count. */
#define PIN_CHUNK	(1UL << 16)

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

static int gpa_access(struct hx_vm *vm, u64 gpa, void *buf, u32 len, bool write)
{
	u8 *p = buf;

	while (len) {
		struct hx_slot *s = hx_slot_find(vm, gpa);
		u32 off = gpa & ~PAGE_MASK;
		u32 chunk = min_t(u32, len, PAGE_SIZE - off);
		void *va;

		if (!s || (write && (s->flags & HXEN_MEM_READONLY)))
			return -EFAULT;
		if (write && s->dirty)
			set_bit((gpa - s->gpa) >> PAGE_SHIFT, s->dirty);
		va = kmap_local_page(s->pages[(gpa - s->gpa) >> PAGE_SHIFT]);
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
	return gpa_access(vm, gpa, buf, len, false);
}

int hx_gpa_write(struct hx_vm *vm, u64 gpa, const void *buf, u32 len)
{
	return gpa_access(vm, gpa, (void *)buf, len, true);
}

void hx_mem_kick_all(struct hx_vm *vm);

static void slot_unpin(struct hx_slot *s, unsigned long n)
{
	if (!s->pages)
		return;
	if (s->flags & HXEN_MEM_READONLY)
		unpin_user_pages(s->pages, n);
	else
		unpin_user_pages_dirty_lock(s->pages, n, true);
	kvfree(s->pages);
	s->pages = NULL;
	kvfree(s->dirty);
	s->dirty = NULL;
}

static int slot_pin(struct hx_slot *s)
{
	unsigned int gup = FOLL_LONGTERM | ((s->flags & HXEN_MEM_READONLY) ? 0 : FOLL_WRITE);
	unsigned long done = 0;

	s->pages = kvmalloc_array(s->npages, sizeof(*s->pages),
				  GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!s->pages)
		return -ENOMEM;
	while (done < s->npages) {
		unsigned long n = min(s->npages - done, PIN_CHUNK);
		int got = pin_user_pages_fast(s->uaddr + done * PAGE_SIZE, n, gup,
					      s->pages + done);

		if (got > 0)
			done += got;
		if (got != (int)n) {
			slot_unpin(s, done);
			return got < 0 ? got : -EFAULT;
		}
		if (fatal_signal_pending(current)) {
			slot_unpin(s, done);
			return -EINTR;
		}
	}
	return 0;
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
	unsigned long i;
	u32 prot;
	int ret;

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
	ret = slot_pin(&s);
	if (ret)
		goto out;
	if (s.flags & HXEN_MEM_DIRTY_LOG) {
		s.dirty = kvzalloc(BITS_TO_LONGS(s.npages) * sizeof(long), GFP_KERNEL_ACCOUNT);
		if (!s.dirty) {
			slot_unpin(&s, s.npages);
			ret = -ENOMEM;
			goto out;
		}
	}

	/* Dirty-logged pages start read-only: the first write faults and is logged. */
	prot = HX_PROT_R | HX_PROT_X |
	       ((s.flags & (HXEN_MEM_READONLY | HXEN_MEM_DIRTY_LOG)) ? 0 : HX_PROT_W);
	down_write(&vm->mem_lock);
	for (i = 0; i < s.npages; i++) {
		ret = hx_npt_map(vm, s.gpa + i * PAGE_SIZE, page_to_phys(s.pages[i]), prot);
		if (ret)
			break;
	}
	if (ret) {
		slot_unmap(vm, &s, i);
		up_write(&vm->mem_lock);
		slot_unpin(&s, s.npages);
		goto out;
	}
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
