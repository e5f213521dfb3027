// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM on demand.  Nothing is pinned: a nested page table entry is
 * made when the guest first touches a page (hx_mmu_fault, from the NPF /
 * EPT-violation exit), from the monitor's own page tables, with a page
 * reference held only while the entry is written.  An MMU notifier on the
 * monitor's mm drops the entries of any range the host unmaps, migrates,
 * swaps, merges or write-protects, and makes every vCPU flush its nested
 * TLB (new ASID on SVM, INVEPT on VMX, through vm->tlb_gen) before the
 * host may reuse the page: a vCPU in guest mode is interrupted and waited
 * for.  A fault that raced with an invalidation (mmu_seq moved, or one is
 * in progress) installs nothing and lets the guest fault again.
 *
 * The few pages the Xen layer keeps (shared_info, vcpu_info, time areas)
 * hold an ordinary page reference, so the host can neither free nor
 * migrate them; if the monitor's mapping of one changes anyway (munmap,
 * MADV_DONTNEED, a copy-on-write after fork), the Xen layer and the guest
 * would see different pages: the vCPU stops with HXEN_INTERNAL_FAULT
 * instead (hx_mmu_check_held).
 *
 * Lock order: vm->mem_lock (read) -> mmap_lock -> vm->mmu_lock.  The
 * notifier runs under mmap_lock and takes only mmu_lock.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include "hx_vm.h"
#include "hx_hooks.h"

/*
 * Pages around a fault that are mapped too if the host already has them:
 * 2 MiB, so a transparent huge page is mapped whole after one fault.
 */
#define HX_AROUND	512

struct hx_held {
	struct list_head node;
	unsigned long hva;
	struct page *page;
};

bool hx_mmu_mm_ok(struct hx_vm *vm)
{
	return current->mm == vm->mm;
}

static void hx_mmu_ipi(void *unused)
{
}

/*
 * Every vCPU flushes before its next entry; one in guest mode now is
 * forced out and waited for.  Pairs with the backends' entry protocol:
 * they read vm->tlb_gen, publish guest_cpu, smp_mb(), then check req.
 */
void hx_mmu_flush_all(struct hx_vm *vm)
{
	u64 *retired[HX_NPT_RETIRED];
	unsigned int i, n;

	/* Tables retired before this flush are unreachable after it. */
	spin_lock(&vm->mmu_lock);
	n = hx_npt_take_retired(&vm->npt, retired, HX_NPT_RETIRED);
	spin_unlock(&vm->mmu_lock);
	atomic_inc(&vm->tlb_gen);
	smp_mb__after_atomic();
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		struct hx_vcpu *v = READ_ONCE(vm->vcpus[i]);

		if (v)
			atomic_set(&v->req, 1);
	}
	smp_mb();
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		struct hx_vcpu *v = READ_ONCE(vm->vcpus[i]);
		int cpu = v ? READ_ONCE(v->guest_cpu) : -1;

		/* The IPI is taken once that CPU has left the guest. */
		if (cpu >= 0)
			smp_call_function_single(cpu, hx_mmu_ipi, NULL, 1);
	}
	for (i = 0; i < n; i++)
		hx_npt_table_free(retired[i]);
}

/* mmu_lock held: drop what maps user range [start, end); true if any. */
static bool zap_hva(struct hx_vm *vm, unsigned long start, unsigned long end)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < HX_MAX_SLOTS; i++) {
		const struct hx_slot *s = &vm->slots[i];
		unsigned long lo, hi;

		if (!s->size || end <= s->uaddr || start >= s->uaddr + s->size)
			continue;
		lo = max_t(unsigned long, start, s->uaddr);
		hi = min_t(unsigned long, end, s->uaddr + s->size);
		n += hx_npt_zap_range(&vm->npt, s->gpa + (lo - s->uaddr),
				      s->gpa + (PAGE_ALIGN(hi) - s->uaddr));
	}
	if (vm->xen)
		n += hx_xen_zap_hva(vm, start, end);
	return n;
}

static int hx_mn_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	struct hx_vm *vm = container_of(mn, struct hx_vm, mn);
	struct hx_held *h;
	bool flush, stale = false;

	spin_lock(&vm->mmu_lock);
	vm->mmu_inval++;
	flush = zap_hva(vm, r->start, r->end);
	list_for_each_entry(h, &vm->held, node)
		if (h->hva >= r->start && h->hva < r->end)
			stale = true;
	if (stale)
		atomic_set(&vm->held_stale, 1);
	spin_unlock(&vm->mmu_lock);
	/* Flushing needs no sleep: fine for non-blockable ranges too. */
	if (flush || stale)
		hx_mmu_flush_all(vm);
	return 0;
}

static void hx_mn_end(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	struct hx_vm *vm = container_of(mn, struct hx_vm, mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	vm->mmu_inval--;
	spin_unlock(&vm->mmu_lock);
}

/* The monitor's address space goes away (exit): nothing may stay mapped. */
static void hx_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct hx_vm *vm = container_of(mn, struct hx_vm, mn);
	bool flush;

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	flush = zap_hva(vm, 0, TASK_SIZE_MAX);
	spin_unlock(&vm->mmu_lock);
	if (flush)
		hx_mmu_flush_all(vm);
}

static const struct mmu_notifier_ops hx_mn_ops = {
	.invalidate_range_start = hx_mn_start,
	.invalidate_range_end = hx_mn_end,
	.release = hx_mn_release,
};

/* The nested page table, in the backend's format. */
int hx_mmu_npt_init(struct hx_vm *vm)
{
	const struct hx_npt_fmt fmt = {
		.table_pte = hx_ops->npt_table_pte,
		.leaf_pte = hx_ops->npt_leaf_pte,
		.present_mask = hx_ops->npt_present_mask,
		.addr_mask = hx_ops->npt_addr_mask,
		.huge = !!(hx_caps.features & HXEN_CAP_NPT_2M),
	};

	spin_lock_init(&vm->mmu_lock);
	return hx_npt_init(&vm->npt, &fmt, hx_caps.paging_levels);
}

/* Enough spare table pages for one map call at any address (sleeps). */
int hx_mmu_topup(struct hx_vm *vm)
{
	while (READ_ONCE(vm->npt.nr_cache) < vm->npt.levels - 1) {
		u64 *page = hx_page_zalloc();
		bool used;

		if (!page)
			return -ENOMEM;
		spin_lock(&vm->mmu_lock);
		used = hx_npt_cache_need(&vm->npt) && hx_npt_cache_put(&vm->npt, page);
		spin_unlock(&vm->mmu_lock);
		if (!used)
			hx_page_free(page);
	}
	return 0;
}

int hx_mmu_init(struct hx_vm *vm)
{
	int ret;

	INIT_LIST_HEAD(&vm->held);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->mn.ops = &hx_mn_ops;
	ret = mmu_notifier_register(&vm->mn, vm->mm);
	if (ret) {
		mmdrop(vm->mm);
		vm->mm = NULL;
		return ret;
	}
	vm->mn_registered = true;
	return 0;
}

/* After the Xen layer let go of its pages; no vCPU runs any more. */
void hx_mmu_destroy(struct hx_vm *vm)
{
	if (vm->mn_registered)
		mmu_notifier_unregister(&vm->mn, vm->mm);
	vm->mn_registered = false;
	if (vm->mm)
		mmdrop(vm->mm);
	vm->mm = NULL;
	WARN_ON_ONCE(vm->held.next && !list_empty(&vm->held));
}

/* Drop the nested entries of [gpa, gpa + size) and flush every vCPU. */
void hx_mmu_zap(struct hx_vm *vm, u64 gpa, u64 size)
{
	unsigned long n;

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	n = hx_npt_zap_range(&vm->npt, gpa, gpa + size);
	spin_unlock(&vm->mmu_lock);
	if (n)
		hx_mmu_flush_all(vm);
}

/* Pages of [hva, hva + n pages) the host already maps, without faulting. */
static int around(unsigned long hva, int n, unsigned int gup, struct page **pages)
{
	int got = n > 0 ? get_user_pages_fast_only(hva, n, gup, pages) : 0;

	return max(got, 0);
}

/*
 * A neighbour of a fault (mmu_lock held).  One that is mapped keeps its
 * entry: it is current (the notifier drops entries whose page changes),
 * and on a dirty-logged slot it may be writable because the guest wrote
 * it since the last HXEN_GET_DIRTY_LOG.  Mapping it read-only again would
 * cost another fault at its next write, and two pages written in turn
 * would fault on every write (the guest crawled during a migration).
 */
static int map_neighbour(struct hx_vm *vm, u64 gpa, struct page *page, u32 prot)
{
	if (hx_npt_present(&vm->npt, gpa))
		return 0;
	return hx_npt_map(&vm->npt, gpa, page_to_phys(page), prot);
}

/*
 * The huge page the monitor maps at @hva with one PMD (writable if
 * @write): its first pfn, or 0.  A lockless walk, as GUP-fast does:
 * with IRQs off no page table page can be freed under us.  Called under
 * mmu_lock with no invalidation since the GUP of the page, so a PMD that
 * changes later goes through the notifier, which drops the 2 MiB leaf.
 */
static unsigned long host_huge_pfn(struct mm_struct *mm, unsigned long hva, bool write)
{
	unsigned long flags, pfn = 0;
	pgd_t pgd;
	p4d_t p4d;
	pud_t pud;
	pmd_t pmd;

	local_irq_save(flags);
	pgd = READ_ONCE(*pgd_offset(mm, hva));
	if (pgd_none(pgd) || pgd_bad(pgd))
		goto out;
	p4d = READ_ONCE(*p4d_offset(&pgd, hva));
	if (p4d_none(p4d) || p4d_bad(p4d))
		goto out;
	pud = READ_ONCE(*pud_offset(&p4d, hva));
	if (pud_none(pud) || pud_bad(pud))
		goto out;
	pmd = READ_ONCE(*pmd_offset(&pud, hva));
	if (pmd_trans_huge(pmd) && (!write || pmd_write(pmd)))
		pfn = pmd_pfn(pmd);
out:
	local_irq_restore(flags);
	return pfn;
}

/*
 * One 2 MiB leaf for the window of @gpa when the host maps all of it
 * with the huge page @page belongs to.  0: mapped, or raced with an
 * invalidation (the guest faults again); -EEXIST: map 4 KiB pages
 * instead; -EAGAIN: refill the table cache and redo.
 */
static int map_huge(struct hx_vm *vm, unsigned long seq, unsigned long hva, u64 gpa,
		    struct page *page, u32 prot, bool write)
{
	unsigned long off = (gpa & (HX_NPT_HUGE_SIZE - 1)) >> PAGE_SHIFT, pfn;
	u32 retired;
	int ret;

	spin_lock(&vm->mmu_lock);
	retired = vm->npt.nr_retired;
	if (vm->mmu_inval || vm->mmu_seq != seq) {
		ret = 0;
	} else {
		pfn = host_huge_pfn(vm->mm, hva, write);
		ret = pfn && pfn + off == page_to_pfn(page) ?
		      hx_npt_map_huge(&vm->npt, gpa & ~(HX_NPT_HUGE_SIZE - 1),
				      PFN_PHYS(pfn), prot) : -EEXIST;
	}
	retired = vm->npt.nr_retired != retired;
	spin_unlock(&vm->mmu_lock);
	/*
	 * The leaf replaced a (present, empty) table entry, which a CPU may
	 * still hold in its paging-structure caches: a walk through it finds
	 * nothing and faults again, and nothing guarantees that the nested
	 * fault itself drops it (Intel's SDM lists EPT violations among the
	 * operations that invalidate cached mappings; AMD's APM says nothing
	 * of the kind for #NPF).  Flush now, which frees the
	 * table too, so no vCPU can loop on the stale walk.  Rare: only a
	 * window refaulted after a zap gets here.
	 */
	if (retired)
		hx_mmu_flush_all(vm);
	return ret == -EINVAL ? -EEXIST : ret;
}

/*
 * The page at @hva for a read fault, taken so that what the host shares
 * stays shared: a KSM page, a page still shared copy-on-write (fork), a
 * page of a private file mapping.  1 and *@writable when the host maps
 * the page writable (the nested entry may be too: should the host
 * write-protect it later, the notifier drops the entry first); 1 and
 * !*@writable for a page it maps read-only (the guest's first write
 * faults again, and the GUP for writing unshares it, through the
 * notifier).  0 when the host maps nothing there yet, or the zero page:
 * the caller faults the page in for writing, as before (a huge zero page
 * mapped for a read would be split at the guest's first write, and that
 * guest RAM would lose its huge pages).
 */
static int read_page(unsigned long hva, struct page **page, bool *writable)
{
	if (get_user_pages_fast_only(hva, 1, FOLL_WRITE, page) == 1) {
		*writable = true;
		return 1;
	}
	if (get_user_pages_fast_only(hva, 1, 0, page) != 1)
		return 0;
	/* Anonymous and file pages have a mapping; the zero pages none. */
	if (is_zero_pfn(page_to_pfn(*page)) || !page_folio(*page)->mapping) {
		put_page(*page);
		return 0;
	}
	*writable = false;
	return 1;
}

/*
 * Nested page fault at @gpa inside @slot (mem_lock held for read, may
 * sleep).  Maps the page, from the monitor's VMA, plus neighbours the
 * host already backs writable (a THP is mapped whole after one fault).
 * A read maps a page the host shares read-only without unsharing it
 * (read_page).  Dirty logged slots get writable entries only for written
 * pages, which are logged.  Returns 0 (re-enter; the guest faults again
 * after a race) or -EFAULT when the monitor's mapping cannot give the
 * page (unmapped, read-only for a write, ...).
 */
int hx_mmu_fault(struct hx_vm *vm, struct hx_slot *slot, u64 gpa, bool write)
{
	bool ro = slot->flags & HXEN_MEM_READONLY;
	unsigned int gup = ro ? 0 : FOLL_WRITE;
	u64 pg_gpa = gpa & PAGE_MASK, win, win_end;
	struct page *one, **pages;
	unsigned long seq, hva;
	int idx, nr_before, nr_after, k, ret;
	u32 prot, prot_nb;
	bool huge, host_w;

	/* Neighbours are taken only where the host maps them writable. */
	prot_nb = hx_npt_fault_prot(ro, slot->dirty, false, true);

	/* The window: HX_AROUND aligned pages around the fault, inside the slot. */
	win = max(slot->gpa, ALIGN_DOWN(pg_gpa, HX_AROUND * PAGE_SIZE));
	win_end = min(slot->gpa + slot->size, ALIGN_DOWN(pg_gpa, HX_AROUND * PAGE_SIZE) +
		      HX_AROUND * PAGE_SIZE);
	pages = kmalloc_array(HX_AROUND, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		/* No room for neighbours: this page alone. */
		pages = &one;
		win = pg_gpa;
		win_end = pg_gpa + PAGE_SIZE;
	}
	idx = (pg_gpa - win) >> PAGE_SHIFT;
	hva = slot->uaddr + (pg_gpa - slot->gpa);
	huge = vm->npt.fmt.huge &&
	       hx_npt_huge_window(slot->gpa, slot->size, slot->uaddr, slot->dirty, pg_gpa);
retry:
	ret = hx_mmu_topup(vm);
	if (ret)
		goto out;
	seq = READ_ONCE(vm->mmu_seq);
	smp_rmb();
	host_w = !ro;
	if ((ro || write || !read_page(hva, &pages[idx], &host_w)) &&
	    get_user_pages_fast(hva, 1, gup, &pages[idx]) != 1) {
		ret = -EFAULT;
		goto out;
	}
	prot = hx_npt_fault_prot(ro, slot->dirty, write, host_w);
	if (huge && PageTransCompound(pages[idx])) {
		ret = map_huge(vm, seq, hva, pg_gpa, pages[idx], prot, host_w);
		if (ret != -EEXIST) {
			put_page(pages[idx]);
			if (ret == -EAGAIN)
				goto retry;
			goto out;
		}
	}
	/* Neighbours: runs from the window's start and after the fault. */
	nr_before = around(hva - idx * PAGE_SIZE, idx, gup, pages);
	nr_after = around(hva + PAGE_SIZE, ((win_end - pg_gpa) >> PAGE_SHIFT) - 1, gup,
			  &pages[idx + 1]);

	spin_lock(&vm->mmu_lock);
	if (vm->mmu_inval || vm->mmu_seq != seq) {
		ret = 0;	/* raced with an invalidation: fault again */
	} else {
		ret = hx_npt_map(&vm->npt, pg_gpa, page_to_phys(pages[idx]), prot);
		for (k = idx + 1; !ret && k <= idx + nr_after; k++)
			ret = map_neighbour(vm, win + k * PAGE_SIZE, pages[k], prot_nb);
		for (k = 0; !ret && k < nr_before; k++)
			ret = map_neighbour(vm, win + k * PAGE_SIZE, pages[k], prot_nb);
	}
	spin_unlock(&vm->mmu_lock);
	for (k = 0; k < nr_before; k++)
		put_page(pages[k]);
	for (k = idx; k <= idx + nr_after; k++)
		put_page(pages[k]);
	if (ret == -EAGAIN)
		goto retry;	/* table cache ran dry: refill and redo */
	if (!ret && write)
		hx_dirty_mark(slot, pg_gpa);
out:
	if (pages != &one)
		kfree(pages);
	return ret;
}

/*
 * One 4 KiB page outside the slots (a grant frame) from the monitor's
 * @hva, on demand like RAM.  @seq: vm->mmu_seq read before the caller
 * looked @gpa up; whoever changes what maps there bumps it under
 * mmu_lock, so a stale lookup installs nothing.  0 or -EFAULT.
 */
int hx_mmu_map_hva(struct hx_vm *vm, u64 gpa, unsigned long hva, u32 prot,
		   unsigned long seq)
{
	struct page *page;
	int ret;

	do {
		ret = hx_mmu_topup(vm);
		if (ret)
			return ret;
		if (get_user_pages_fast(hva, 1, (prot & HX_PROT_W) ? FOLL_WRITE : 0,
					&page) != 1)
			return -EFAULT;
		spin_lock(&vm->mmu_lock);
		ret = vm->mmu_inval || vm->mmu_seq != seq ? 0 :
		      hx_npt_map(&vm->npt, gpa & PAGE_MASK, page_to_phys(page), prot);
		spin_unlock(&vm->mmu_lock);
		put_page(page);
	} while (ret == -EAGAIN);
	return ret;
}

/* A page the Xen layer keeps mapped: a reference, no pin (see above). */
struct page *hx_mmu_hold(struct hx_vm *vm, struct hx_slot *slot, u64 gpa, void **cookie)
{
	struct hx_held *h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);

	if (!h)
		return NULL;
	h->hva = slot->uaddr + ((gpa & PAGE_MASK) - slot->gpa);
	if (get_user_pages_fast(h->hva, 1, FOLL_WRITE, &h->page) != 1) {
		kfree(h);
		return NULL;
	}
	spin_lock(&vm->mmu_lock);
	list_add(&h->node, &vm->held);
	spin_unlock(&vm->mmu_lock);
	*cookie = h;
	return h->page;
}

void hx_mmu_unhold(struct hx_vm *vm, void *cookie)
{
	struct hx_held *h = cookie;

	spin_lock(&vm->mmu_lock);
	list_del(&h->node);
	spin_unlock(&vm->mmu_lock);
	put_page(h->page);
	kfree(h);
}

/*
 * Before an entry, after the notifier touched a held page's range: the
 * monitor must still map the same page there (swap-in of the referenced
 * page brings it back; munmap or a copy-on-write does not).
 */
int hx_mmu_check_held(struct hx_vm *vm)
{
	struct hx_held_snap { unsigned long hva; struct page *page; } *snap;
	struct hx_held *h;
	int n = 0, max = 0, i, bad = 0;

	if (!atomic_xchg(&vm->held_stale, 0))
		return 0;
	spin_lock(&vm->mmu_lock);
	list_for_each_entry(h, &vm->held, node)
		max++;
	spin_unlock(&vm->mmu_lock);
	snap = kmalloc_array(max + 8, sizeof(*snap), GFP_KERNEL);
	if (!snap) {
		atomic_set(&vm->held_stale, 1);
		return -ENOMEM;
	}
	spin_lock(&vm->mmu_lock);
	list_for_each_entry(h, &vm->held, node)
		if (n < max + 8)
			snap[n++] = (struct hx_held_snap){ h->hva, h->page };
	spin_unlock(&vm->mmu_lock);
	/* Page pointers are only compared, never dereferenced. */
	for (i = 0; i < n && !bad; i++) {
		struct page *pg;

		if (get_user_pages_fast(snap[i].hva, 1, FOLL_WRITE, &pg) != 1) {
			bad = 1;
			break;
		}
		bad = pg != snap[i].page;
		put_page(pg);
	}
	kfree(snap);
	if (bad)
		pr_warn_ratelimited("hxen: vm %llu: the monitor remapped guest RAM that the Xen layer keeps (shared_info/vcpu_info): stopping the vCPU\n",
				    vm->serial);
	return bad ? -EFAULT : 0;
}
