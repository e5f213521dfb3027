/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nested page table builder (AMD NPT / Intel EPT), host independent:
 * the radix tree is the same 9-bits-per-level structure for both, only
 * the entry encoding differs (struct hx_npt_fmt, from the backend).  It
 * builds into the module and, with -DHX_USER, into the unit tests.
 *
 * Leaves are 4 KiB, or 2 MiB (a level-2 entry with the PS bit) where the
 * caller found the host backing the whole range with one huge page.
 * Nothing here locks: in the module every call is under vm->mmu_lock.
 * Table pages come from a small cache the caller fills outside the lock
 * (hx_npt_cache_need / hx_npt_cache_put); a call that runs dry returns
 * -EAGAIN and is redone after the refill.
 */
#ifndef HX_NPT_H
#define HX_NPT_H

#include "hx_os.h"

#define HX_NPT_CACHE		8
#define HX_NPT_RETIRED		32
#define HX_NPT_HUGE_SIZE	(1ULL << 21)
#define HX_NPT_PAGE_SIZE	4096ULL

/* Protection bits for leaf_pte(). */
#define HX_PROT_R		(1U << 0)
#define HX_PROT_W		(1U << 1)
#define HX_PROT_X		(1U << 2)

/*
 * Entry encoding.  Non-leaf entries grant everything; an entry is present
 * iff (pte & present_mask).  A 2 MiB leaf is leaf_pte() with bit 7 (PS)
 * set, the same bit in NPT (the host's PDE format, APM vol. 2 15.25.5)
 * and EPT (SDM vol. 3 29.3.2); a 4 KiB leaf never uses bit 7 (NPT: the
 * PAT bit, left 0; EPT: ignored).
 */
struct hx_npt_fmt {
	u64 (*table_pte)(u64 hpa);
	u64 (*leaf_pte)(u64 hpa, u32 prot);
	u64 present_mask;
	u64 addr_mask;		/* bits of an entry holding the address */
	bool huge;		/* 2 MiB leaves allowed (EPT: if the CPU has them) */
};

struct hx_npt {
	struct hx_npt_fmt fmt;
	u64 *root;		/* VA of the root table page */
	u64 root_pa;
	u32 levels;		/* 4 or 5 */
	unsigned long nr_tables;	/* table pages in the tree */
	unsigned long nr_huge;		/* 2 MiB leaves in the tree now */
	unsigned long nr_huge_made;	/* ... made since creation */
	unsigned long nr_huge_split;	/* ... split into 4 KiB leaves */
	u64 *cache[HX_NPT_CACHE];	/* spare zeroed table pages */
	u32 nr_cache;
	/*
	 * Empty tables a 2 MiB leaf replaced: a CPU may still walk one until
	 * every vCPU flushed its nested TLB, so they are freed only after
	 * the next flush (hx_npt_take_retired), never reused before.
	 */
	u64 *retired[HX_NPT_RETIRED];
	u32 nr_retired;
};

int hx_npt_init(struct hx_npt *t, const struct hx_npt_fmt *fmt, u32 levels);
void hx_npt_free(struct hx_npt *t);
u32 hx_npt_cache_need(const struct hx_npt *t);
bool hx_npt_cache_put(struct hx_npt *t, u64 *page);
u32 hx_npt_take_retired(struct hx_npt *t, u64 **out, u32 max);
void hx_npt_table_free(u64 *page);

int hx_npt_map(struct hx_npt *t, u64 gpa, u64 hpa, u32 prot);
int hx_npt_map_huge(struct hx_npt *t, u64 gpa, u64 hpa, u32 prot);
bool hx_npt_present(struct hx_npt *t, u64 gpa);
bool hx_npt_lookup(struct hx_npt *t, u64 gpa, u64 *pte, bool *huge);
unsigned long hx_npt_zap_range(struct hx_npt *t, u64 start, u64 end);
bool hx_npt_is_huge(u64 e, u32 level);

/*
 * Whether the 2 MiB window around @gpa may be one leaf, as far as the
 * slot [@slot_gpa, +@slot_size) at user address @uaddr goes: the window
 * lies inside the slot (one access mode for all of it), the host address
 * is 2 MiB aligned with it, and the slot is not dirty-logged (logging
 * write-protects page by page).
 */
bool hx_npt_huge_window(u64 slot_gpa, u64 slot_size, u64 uaddr, bool logged, u64 gpa);

/*
 * The rights of a nested entry made at a fault: a read-only slot is never
 * writable; a page is writable only where the host maps it writable (a
 * page it shares read-only, KSM or copy-on-write, stays shared until the
 * guest writes it), and on a dirty-logged slot only for a write, which is
 * logged.
 */
u32 hx_npt_fault_prot(bool slot_ro, bool logged, bool write, bool host_writable);

#endif /* HX_NPT_H */
