/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Granted pages of the guest, as a Xen backend domain sees them
 * [xen/include/public/grant_table.h, xen-abi.md H].  The guest's v1 grant
 * table is monitor memory (HXEN_XEN_CONFIG gnttab_uaddr), and its RAM is
 * the monitor's mapping (monitor/mem.h), so "mapping" a grant is a
 * validated lookup and pointer arithmetic: no copy, no ioctl.
 *
 * While a grant is in use its entry carries GTF_reading (and GTF_writing
 * for write access), set and cleared with compare-and-swap on the
 * flags/domid word as Xen does, so the guest cannot revoke the page
 * (gnttab_end_foreign_access fails while they are set).  A per-ref pin
 * count lets several users hold the same ref.
 */
#ifndef HXEN_BE_GRANT_H
#define HXEN_BE_GRANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mon_mem;

#define GNT_PAGE_SIZE		4096u
#define GNT_ENTRIES_PER_FRAME	(GNT_PAGE_SIZE / 8)

/* grant_entry_v1.flags */
#define GTF_TYPE_MASK		3u
#define GTF_PERMIT_ACCESS	1u
#define GTF_READONLY		(1u << 2)
#define GTF_READING		(1u << 3)
#define GTF_WRITING		(1u << 4)
#define GTF_SUB_PAGE		(1u << 8)

struct grant_entry_v1 {
	uint16_t flags;
	uint16_t domid;		/* the domain allowed: us, domain 0 */
	uint32_t frame;		/* GFN */
};

_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");

struct be_gnttab {
	struct grant_entry_v1 *table;	/* monitor memory */
	uint32_t nr_entries;		/* frames * 512 */
	uint16_t backend_domid;		/* 0 */
	const struct mon_mem *mem;	/* guest RAM */
	uint32_t *pins;			/* per ref: readers | writers << 16 */
};

/* 0 or -ENOMEM.  @table holds @frames pages. */
int be_gnttab_init(struct be_gnttab *gt, void *table, unsigned int frames,
		   const struct mon_mem *mem);
void be_gnttab_fini(struct be_gnttab *gt);

/*
 * Take grant @ref for reading (@write false) or writing, and return the
 * host address of its page in *@page.  0, or:
 *   -EINVAL  ref out of the table, entry not permit_access (or sub-page,
 *            transitive), granted to another domain
 *   -EPERM   write access to a read-only grant
 *   -EFAULT  frame outside guest RAM
 *   -EBUSY   the entry kept changing under us
 * Every success must be paired with be_grant_put(@ref, @write).
 */
int be_grant_get(struct be_gnttab *gt, uint32_t ref, bool write, void **page);
void be_grant_put(struct be_gnttab *gt, uint32_t ref, bool write);

/*
 * Live migration: note every page held for writing now (ring pages) in
 * the guest RAM's held set (monitor/mem.h); the pages taken and released
 * for writing are noted as they are.
 */
void be_gnttab_note_held(struct be_gnttab *gt);

/*
 * Copy between a granted page and @buf: @off + @len within the page.
 * @to_guest: write into the grant (needs a writable grant).  0 or -errno
 * as be_grant_get().
 */
int be_grant_copy(struct be_gnttab *gt, uint32_t ref, size_t off, void *buf,
		  size_t len, bool to_guest);

#endif /* HXEN_BE_GRANT_H */
