// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: does every nested page table leaf still map the page the
 * monitor's own page tables map at that address?  The MMU notifier
 * (hx_mmu.c) must keep the two equal; a leaf that differs, or that is
 * writable over a page the monitor maps read-only (a KSM page, a
 * copy-on-write page), means the guest and the monitor see different
 * memory, e.g. different xenstore rings.  A read-only leaf over a
 * read-only page is fine: a guest read that left the page shared.  Read
 * without stopping the VM:
 * a leaf changed during the walk can show up once as a false alarm,
 * so read the file twice.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include "hx_vm.h"

struct hx_audit {
	struct hx_vm *vm;
	struct mm_struct *mm;
	u64 w_mask;		/* the writable bit of a leaf */
	unsigned long leaves, huge, differ, wr_over_ro, unmapped, outside, ro_shared;
	bool bad_seen;
	u64 first_gpa;
	unsigned long first_npt, first_mm;
};

/*
 * The pfn the monitor maps at @hva (mmap_lock held), without faulting;
 * 0 if nothing is mapped.  @wr: whether that mapping is writable.
 */
static unsigned long mm_pfn(struct mm_struct *mm, unsigned long hva, bool *wr)
{
	pgd_t *pgd = pgd_offset(mm, hva);
	spinlock_t *ptl;
	unsigned long pfn = 0;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd, pmdv;
	pte_t *pte;

	*wr = false;
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return 0;
	p4d = p4d_offset(pgd, hva);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return 0;
	pud = pud_offset(p4d, hva);
	if (pud_none(*pud) || pud_bad(*pud))
		return 0;
	pmd = pmd_offset(pud, hva);
	pmdv = READ_ONCE(*pmd);
	if (pmd_trans_huge(pmdv)) {
		*wr = pmd_write(pmdv);
		return pmd_pfn(pmdv) + ((hva & ~PMD_MASK) >> PAGE_SHIFT);
	}
	if (follow_pte(mm, hva, &pte, &ptl))
		return 0;
	if (pte_present(*pte)) {
		pfn = pte_pfn(*pte);
		*wr = pte_write(*pte);
	}
	pte_unmap_unlock(pte, ptl);
	return pfn;
}

static void audit_leaf(struct hx_audit *a, u64 gpa, u64 e)
{
	unsigned long npt_pfn = (e & a->vm->npt.fmt.addr_mask) >> PAGE_SHIFT, pfn;
	const struct hx_slot *s = hx_slot_find(a->vm, gpa);
	bool wr, bad;

	a->leaves++;
	if (!s) {
		a->outside++;	/* grant frames: the module's own pages */
		return;
	}
	pfn = mm_pfn(a->mm, s->uaddr + (gpa - s->gpa), &wr);
	if (!pfn) {
		a->unmapped++;
		bad = true;
	} else if (pfn != npt_pfn) {
		a->differ++;
		bad = true;
	} else {
		bad = (e & a->w_mask) && !wr;
		a->wr_over_ro += bad;
		/* a guest read left a KSM or copy-on-write page shared */
		a->ro_shared += !(e & a->w_mask) && !wr;
	}
	if (bad && !a->bad_seen) {
		a->bad_seen = true;
		a->first_gpa = gpa;
		a->first_npt = npt_pfn;
		a->first_mm = pfn;
	}
}

static void audit_table(struct hx_audit *a, u64 *table, u32 level, u64 base)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	unsigned int i;

	for (i = 0; i < 512; i++) {
		u64 e = READ_ONCE(table[i]), gpa = base + i * span, k;

		if (!(e & a->vm->npt.fmt.present_mask))
			continue;
		if (level == 1) {
			audit_leaf(a, gpa, e);
		} else if (hx_npt_is_huge(e, level)) {
			a->huge++;
			for (k = 0; k < span; k += PAGE_SIZE)
				audit_leaf(a, gpa + k, e + k);
		} else {
			audit_table(a, __va(e & a->vm->npt.fmt.addr_mask), level - 1, gpa);
		}
	}
}

/* Caller holds vm->mem_lock for read (the slots stay as they are). */
void hx_mmu_audit(struct seq_file *m, struct hx_vm *vm)
{
	struct hx_audit a = { .vm = vm };

	if (!vm->mm || !mmget_not_zero(vm->mm))
		return;
	a.mm = vm->mm;
	a.w_mask = vm->npt.fmt.leaf_pte(0, HX_PROT_R | HX_PROT_W) ^
		   vm->npt.fmt.leaf_pte(0, HX_PROT_R);
	mmap_read_lock(a.mm);
	spin_lock(&vm->mmu_lock);
	audit_table(&a, vm->npt.root, vm->npt.levels, 0);
	spin_unlock(&vm->mmu_lock);
	mmap_read_unlock(a.mm);
	mmput(a.mm);
	seq_printf(m, "npt: %lu tables, %lu pages mapped, %lu 2 MiB leaves (%lu made, %lu split); "
		   "%lu differ from the monitor's page, %lu writable over a read-only page, "
		   "%lu over nothing, %lu outside slots; %lu read-only over a read-only page",
		   vm->npt.nr_tables, a.leaves, a.huge, vm->npt.nr_huge_made,
		   vm->npt.nr_huge_split, a.differ, a.wr_over_ro, a.unmapped, a.outside,
		   a.ro_shared);
	if (a.bad_seen)
		seq_printf(m, " (first: gpa %#llx npt pfn %#lx monitor pfn %#lx)",
			   a.first_gpa, a.first_npt, a.first_mm);
	seq_puts(m, "\n");
}
