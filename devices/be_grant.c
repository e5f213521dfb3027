// SPDX-License-Identifier: GPL-2.0
/*
 * v1 grant lookups for monitor-side backends.  The checks follow what a
 * Xen backend domain gets from the hypervisor [xen-abi.md H.3]: the ref
 * inside the table, type permit_access, granted to domain 0, GTF_readonly
 * refusing write access, and the frame inside guest RAM.  The status bits
 * go on with one compare-and-swap of the 32-bit flags/domid word, as Xen's
 * _set_status_v1 does, so a guest racing to change the entry either sees
 * its change fail or ours retry.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_grant.h"
#include "monitor/mem.h"

#define GNT_RETRIES	4
#define PIN_WRITER	(1u << 16)
#define NR_STRIPES	64

/*
 * Pin counts change under a striped lock: without it a put that drops
 * the last pin could clear GTF_reading just after a get on another thread
 * set it again.
 */
static pthread_mutex_t stripes[NR_STRIPES] = {
	[0 ... NR_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER,
};

int be_gnttab_init(struct be_gnttab *gt, void *table, unsigned int frames,
		   const struct mon_mem *mem)
{
	memset(gt, 0, sizeof(*gt));
	gt->table = table;
	gt->nr_entries = frames * GNT_ENTRIES_PER_FRAME;
	gt->mem = mem;
	if (!gt->nr_entries)
		return 0;
	gt->pins = calloc(gt->nr_entries, sizeof(*gt->pins));
	return gt->pins ? 0 : -ENOMEM;
}

void be_gnttab_fini(struct be_gnttab *gt)
{
	free(gt->pins);
	gt->pins = NULL;
	gt->nr_entries = 0;
}

/* The guest's flags and domid as one word (little endian: flags low). */
static uint32_t *entry_word(struct grant_entry_v1 *e)
{
	return (uint32_t *)e;
}

static int set_status(struct be_gnttab *gt, struct grant_entry_v1 *e,
		      bool write)
{
	uint32_t *w = entry_word(e);
	uint16_t want = GTF_READING | (write ? GTF_WRITING : 0);

	for (int i = 0; i < GNT_RETRIES; i++) {
		uint32_t old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		uint16_t flags = old & 0xffff, domid = old >> 16;

		if ((flags & (GTF_TYPE_MASK | GTF_SUB_PAGE)) !=
		    GTF_PERMIT_ACCESS || domid != gt->backend_domid)
			return -EINVAL;
		if (write && (flags & GTF_READONLY))
			return -EPERM;
		if ((flags & want) == want)
			return 0;
		if (__atomic_compare_exchange_n(w, &old, old | want, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
	return -EBUSY;
}

static void clear_status(struct grant_entry_v1 *e, uint16_t bits)
{
	__atomic_fetch_and(&e->flags, (uint16_t)~bits, __ATOMIC_RELEASE);
}

int be_grant_get(struct be_gnttab *gt, uint32_t ref, bool write, void **page)
{
	pthread_mutex_t *lk;
	struct grant_entry_v1 *e;
	uint64_t gfn;
	void *p;
	int r;

	*page = NULL;
	if (ref >= gt->nr_entries || !gt->table)
		return -EINVAL;
	e = &gt->table[ref];
	lk = &stripes[ref % NR_STRIPES];
	pthread_mutex_lock(lk);
	r = set_status(gt, e, write);
	if (r < 0)
		goto out;
	/* the frame is read after the status bits are up, as Xen does */
	gfn = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
	p = mon_mem_ram_ptr(gt->mem, gfn * GNT_PAGE_SIZE, GNT_PAGE_SIZE);
	if (!p) {
		if (!gt->pins[ref])
			clear_status(e, GTF_READING | GTF_WRITING);
		else if (write && gt->pins[ref] < PIN_WRITER)
			clear_status(e, GTF_WRITING);
		r = -EFAULT;
		goto out;
	}
	gt->pins[ref] += 1 + (write ? PIN_WRITER : 0);
	if (write)	/* for live migration: no dirty log sees our writes */
		mon_mem_note_write(gt->mem, gfn * GNT_PAGE_SIZE);
	*page = p;
out:
	pthread_mutex_unlock(lk);
	return r;
}

void be_grant_put(struct be_gnttab *gt, uint32_t ref, bool write)
{
	pthread_mutex_t *lk;
	uint32_t *pin;

	if (ref >= gt->nr_entries)
		return;
	lk = &stripes[ref % NR_STRIPES];
	pin = &gt->pins[ref];
	pthread_mutex_lock(lk);
	if ((*pin & 0xffff) && (!write || *pin >= PIN_WRITER)) {
		if (write)	/* written by now: again, for a round in between */
			mon_mem_note_write(gt->mem, (uint64_t)__atomic_load_n(
				&gt->table[ref].frame, __ATOMIC_ACQUIRE) * GNT_PAGE_SIZE);
		*pin -= 1 + (write ? PIN_WRITER : 0);
		if (write && *pin < PIN_WRITER)
			clear_status(&gt->table[ref], GTF_WRITING);
		if (!(*pin & 0xffff))
			clear_status(&gt->table[ref], GTF_READING);
	}
	pthread_mutex_unlock(lk);
}

void be_gnttab_note_held(struct be_gnttab *gt)
{
	for (uint32_t ref = 0; gt->table && ref < gt->nr_entries; ref++) {
		pthread_mutex_t *lk = &stripes[ref % NR_STRIPES];

		pthread_mutex_lock(lk);
		if (gt->pins[ref] >= PIN_WRITER)
			mon_mem_note_held(gt->mem, (uint64_t)gt->table[ref].frame *
					  GNT_PAGE_SIZE);
		pthread_mutex_unlock(lk);
	}
}

int be_grant_copy(struct be_gnttab *gt, uint32_t ref, size_t off, void *buf,
		  size_t len, bool to_guest)
{
	void *page;
	int r;

	if (off > GNT_PAGE_SIZE || len > GNT_PAGE_SIZE - off)
		return -EINVAL;
	r = be_grant_get(gt, ref, to_guest, &page);
	if (r < 0)
		return r;
	if (to_guest)
		memcpy((char *)page + off, buf, len);
	else
		memcpy(buf, (char *)page + off, len);
	be_grant_put(gt, ref, to_guest);
	return 0;
}
