// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables (AMD NPT / Intel EPT), shared by both backends and
 * host independent (hx_npt.h).  Table pages stay until the VM is
 * destroyed, except an empty one a 2 MiB leaf replaced, which waits on
 * the retired list for the next nested TLB flush.
 */
#include "hx_npt.h"

#define NPT_PS		(1ULL << 7)

/* Entries are read by the CPU while we change them: one access each. */
static inline u64 ent_get(const u64 *p)
{
	return *(const volatile u64 *)p;
}

static inline void ent_set(u64 *p, u64 v)
{
	*(volatile u64 *)p = v;
}

static inline bool ent_present(const struct hx_npt *t, u64 e)
{
	return e & t->fmt.present_mask;
}

static inline u64 *ent_table(const struct hx_npt *t, u64 e)
{
	return hx_va(e & t->fmt.addr_mask);
}

static inline unsigned int ent_index(u64 gpa, u32 level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

bool hx_npt_is_huge(u64 e, u32 level)
{
	return level == 2 && (e & NPT_PS);
}

int hx_npt_init(struct hx_npt *t, const struct hx_npt_fmt *fmt, u32 levels)
{
	memset(t, 0, sizeof(*t));
	t->fmt = *fmt;
	t->levels = levels;
	t->root = hx_page_zalloc();
	if (!t->root)
		return -ENOMEM;
	t->root_pa = hx_pa(t->root);
	t->nr_tables = 1;
	return 0;
}

void hx_npt_table_free(u64 *page)
{
	hx_page_free(page);
}

/* A table and what hangs below it; leaves (4 KiB or 2 MiB) are not ours. */
static void free_table(struct hx_npt *t, u64 *table, u32 level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < 512; i++) {
		u64 e = table[i];

		if (ent_present(t, e) && !hx_npt_is_huge(e, level))
			free_table(t, ent_table(t, e), level - 1);
	}
	hx_page_free(table);
}

void hx_npt_free(struct hx_npt *t)
{
	if (t->root)
		free_table(t, t->root, t->levels);
	t->root = NULL;
	while (t->nr_cache)
		hx_page_free(t->cache[--t->nr_cache]);
	while (t->nr_retired)
		hx_page_free(t->retired[--t->nr_retired]);
}

/* Spare pages one map call may need: a table per level below the root. */
u32 hx_npt_cache_need(const struct hx_npt *t)
{
	return t->nr_cache < t->levels - 1 ? t->levels - 1 - t->nr_cache : 0;
}

bool hx_npt_cache_put(struct hx_npt *t, u64 *page)
{
	if (t->nr_cache >= HX_NPT_CACHE)
		return false;
	t->cache[t->nr_cache++] = page;
	return true;
}

/* After a flush of every vCPU: the tables retired before it may go. */
u32 hx_npt_take_retired(struct hx_npt *t, u64 **out, u32 max)
{
	u32 n = 0;

	while (t->nr_retired && n < max)
		out[n++] = t->retired[--t->nr_retired];
	return n;
}

/* Install a cache page as the table of entry @p. */
static u64 *new_table(struct hx_npt *t, u64 *p)
{
	u64 *next;

	if (!t->nr_cache)
		return NULL;
	next = t->cache[--t->nr_cache];
	t->nr_tables++;
	ent_set(p, t->fmt.table_pte(hx_pa(next)));
	return next;
}

/*
 * A 2 MiB leaf becomes a table of 512 4 KiB leaves with the same pages
 * and rights.  The translation does not change, so no flush is needed:
 * a CPU may use the old entry or the new ones, they agree.
 */
static u64 *split_huge(struct hx_npt *t, u64 *p)
{
	u64 e = ent_get(p), base, hpa, *next;
	unsigned int i;

	if (!t->nr_cache)
		return NULL;
	next = t->cache[--t->nr_cache];
	hpa = e & t->fmt.addr_mask;
	base = e & ~(t->fmt.addr_mask | NPT_PS);
	for (i = 0; i < 512; i++)
		next[i] = base | (hpa + i * HX_NPT_PAGE_SIZE);
	t->nr_tables++;
	t->nr_huge--;
	t->nr_huge_split++;
	ent_set(p, t->fmt.table_pte(hx_pa(next)));
	return next;
}

/*
 * The entry for @gpa at level @stop (1: a 4 KiB leaf, 2: a 2 MiB one).
 * With @alloc, missing tables come from the cache and a 2 MiB leaf on
 * the way to level 1 is split; without, NULL where a table is missing.
 * *@hugep (if given) points to a 2 MiB leaf met on the way.
 */
static u64 *walk(struct hx_npt *t, u64 gpa, u32 stop, bool alloc, u64 **hugep)
{
	u64 *table = t->root;
	u32 level;

	if (hugep)
		*hugep = NULL;
	for (level = t->levels; level > stop; level--) {
		u64 *p = &table[ent_index(gpa, level)];
		u64 e = ent_get(p);

		if (ent_present(t, e) && hx_npt_is_huge(e, level)) {
			if (!alloc) {
				if (hugep)
					*hugep = p;
				return NULL;
			}
			table = split_huge(t, p);
		} else if (ent_present(t, e)) {
			table = ent_table(t, e);
		} else {
			table = alloc ? new_table(t, p) : NULL;
		}
		if (!table)
			return NULL;
	}
	return &table[ent_index(gpa, stop)];
}

int hx_npt_map(struct hx_npt *t, u64 gpa, u64 hpa, u32 prot)
{
	u64 *p = walk(t, gpa, 1, true, NULL);

	if (!p)
		return -EAGAIN;
	ent_set(p, t->fmt.leaf_pte(hpa, prot));
	return 0;
}

static bool table_empty(const struct hx_npt *t, const u64 *table)
{
	unsigned int i;

	for (i = 0; i < 512; i++)
		if (ent_present(t, table[i]))
			return false;
	return true;
}

/*
 * A 2 MiB leaf at @gpa for the host range at @hpa (both 2 MiB aligned).
 * -EEXIST when 4 KiB leaves are there already (the caller maps 4 KiB),
 * -EAGAIN when the cache ran dry, -EINVAL when not allowed/aligned.
 */
int hx_npt_map_huge(struct hx_npt *t, u64 gpa, u64 hpa, u32 prot)
{
	u64 *p, e;

	if (!t->fmt.huge || ((gpa | hpa) & (HX_NPT_HUGE_SIZE - 1)))
		return -EINVAL;
	p = walk(t, gpa, 2, true, NULL);
	if (!p)
		return -EAGAIN;
	e = ent_get(p);
	if (ent_present(t, e) && !hx_npt_is_huge(e, 2)) {
		/* Refaulted after a zap: the empty table waits for a flush. */
		if (!table_empty(t, ent_table(t, e)) || t->nr_retired >= HX_NPT_RETIRED)
			return -EEXIST;
		t->retired[t->nr_retired++] = ent_table(t, e);
		t->nr_tables--;
	}
	if (!ent_present(t, e) || !hx_npt_is_huge(e, 2)) {
		t->nr_huge++;
		t->nr_huge_made++;
	}
	ent_set(p, t->fmt.leaf_pte(hpa, prot) | NPT_PS);
	return 0;
}

/* The leaf mapping @gpa: its entry (a 2 MiB one as is) and its size. */
bool hx_npt_lookup(struct hx_npt *t, u64 gpa, u64 *pte, bool *huge)
{
	u64 *hp, *p = walk(t, gpa, 1, false, &hp);
	u64 e = p ? ent_get(p) : hp ? ent_get(hp) : 0;

	if (pte)
		*pte = e;
	if (huge)
		*huge = hp != NULL;
	return ent_present(t, e);
}

bool hx_npt_present(struct hx_npt *t, u64 gpa)
{
	return hx_npt_lookup(t, gpa, NULL, NULL);
}

/*
 * Clear the leaves of [start, end) below @table; a 2 MiB leaf that only
 * overlaps goes whole (it is made again, or as 4 KiB leaves, at the next
 * fault).  Returns how many leaves were cleared.
 */
static unsigned long zap(struct hx_npt *t, u64 *table, u32 level, u64 base, u64 start, u64 end)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	unsigned long n = 0;
	unsigned int i = (start - base) / span;

	for (; i < 512; i++) {
		u64 lo = base + i * span, e = ent_get(&table[i]);

		if (lo >= end)
			break;
		if (!ent_present(t, e))
			continue;
		if (level == 1 || hx_npt_is_huge(e, level)) {
			ent_set(&table[i], 0);
			if (level > 1)
				t->nr_huge--;
			n++;
		} else {
			n += zap(t, ent_table(t, e), level - 1, lo,
				 start > lo ? start : lo, end < lo + span ? end : lo + span);
		}
	}
	return n;
}

/* Drop every leaf in [start, end); the caller flushes the vCPUs' TLBs. */
unsigned long hx_npt_zap_range(struct hx_npt *t, u64 start, u64 end)
{
	if (start >= end)
		return 0;
	return zap(t, t->root, t->levels, 0, start, end);
}

bool hx_npt_huge_window(u64 slot_gpa, u64 slot_size, u64 uaddr, bool logged, u64 gpa)
{
	u64 win = gpa & ~(HX_NPT_HUGE_SIZE - 1);

	if (logged || ((slot_gpa ^ uaddr) & (HX_NPT_HUGE_SIZE - 1)))
		return false;
	return win >= slot_gpa && win + HX_NPT_HUGE_SIZE <= slot_gpa + slot_size &&
	       win + HX_NPT_HUGE_SIZE > win;
}

u32 hx_npt_fault_prot(bool slot_ro, bool logged, bool write, bool host_writable)
{
	u32 prot = HX_PROT_R | HX_PROT_X;

	if (!slot_ro && host_writable && (write || !logged))
		prot |= HX_PROT_W;
	return prot;
}
