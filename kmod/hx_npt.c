// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables (AMD NPT / Intel EPT), shared by both backends: the
 * radix tree is the same 9-bits-per-level structure, only the entry
 * encoding differs (hx_ops->npt_table_pte / npt_leaf_pte).  Only 4 KiB
 * leaves are used.  Table pages stay until the VM is destroyed.
 * Writers hold vm->mem_lock for write (or are alone, at create/destroy).
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include "hx_vm.h"

static u64 *npt_alloc_table(struct hx_vm *vm, u64 *pa)
{
	unsigned long va = get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (!va)
		return NULL;
	vm->npt.nr_tables++;
	*pa = __pa(va);
	return (u64 *)va;
}

int hx_npt_init(struct hx_vm *vm)
{
	vm->npt.levels = hx_caps.paging_levels;
	vm->npt.root = npt_alloc_table(vm, &vm->npt.root_pa);
	return vm->npt.root ? 0 : -ENOMEM;
}

static void npt_free_table(u64 *table, u32 level)
{
	unsigned int i;

	if (level > 1) {
		for (i = 0; i < 512; i++) {
			u64 e = table[i];

			if (e & hx_ops->npt_present_mask)
				npt_free_table(__va(e & hx_ops->npt_addr_mask), level - 1);
		}
	}
	free_page((unsigned long)table);
}

void hx_npt_free(struct hx_vm *vm)
{
	if (vm->npt.root)
		npt_free_table(vm->npt.root, vm->npt.levels);
	vm->npt.root = NULL;
}

/* Leaf entry for @gpa; missing tables are allocated when @alloc. */
static u64 *npt_leaf(struct hx_vm *vm, u64 gpa, bool alloc)
{
	u64 *table = vm->npt.root;
	u32 level;

	for (level = vm->npt.levels; level > 1; level--) {
		unsigned int idx = (gpa >> (12 + 9 * (level - 1))) & 511;
		u64 e = READ_ONCE(table[idx]);

		if (!(e & hx_ops->npt_present_mask)) {
			u64 pa;
			u64 *next;

			if (!alloc)
				return NULL;
			next = npt_alloc_table(vm, &pa);
			if (!next)
				return NULL;
			e = hx_ops->npt_table_pte(pa);
			WRITE_ONCE(table[idx], e);
		}
		table = __va(e & hx_ops->npt_addr_mask);
	}
	return &table[(gpa >> 12) & 511];
}

int hx_npt_map(struct hx_vm *vm, u64 gpa, u64 hpa, u32 prot)
{
	u64 *pte = npt_leaf(vm, gpa, true);

	if (!pte)
		return -ENOMEM;
	WRITE_ONCE(*pte, hx_ops->npt_leaf_pte(hpa, prot));
	return 0;
}

/* The caller bumps vm->tlb_gen so vCPUs flush before their next entry. */
void hx_npt_unmap(struct hx_vm *vm, u64 gpa)
{
	u64 *pte = npt_leaf(vm, gpa, false);

	if (pte)
		WRITE_ONCE(*pte, 0);
}
