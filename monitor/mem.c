// SPDX-License-Identifier: GPL-2.0
/* Guest-physical memory layout table (monitor/mem.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "monitor/balloon.h"
#include "monitor/mem.h"
#include "monitor/log.h"

int mon_mem_add(struct mon_mem *m, const struct mon_mem_region *r,
		char *err, size_t errlen)
{
	unsigned int i;

	if (!r->size || r->gpa + r->size < r->gpa ||
	    (r->gpa | r->size) & (MON_PAGE_SIZE - 1))
		return mon_seterr(-EINVAL, err, errlen, "memory region %s "
				  "[%#" PRIx64 ", +%#" PRIx64 ") is empty, "
				  "wraps or is not page aligned",
				  r->name ? r->name : "?", r->gpa, r->size);
	if (m->n == MON_MEM_MAX_REGIONS)
		return mon_seterr(-ENOSPC, err, errlen, "too many memory regions");
	for (i = 0; i < m->n; i++) {
		const struct mon_mem_region *o = &m->r[i];

		if (r->gpa < o->gpa + o->size && o->gpa < r->gpa + r->size)
			return mon_seterr(-EEXIST, err, errlen, "memory region %s "
					  "overlaps %s at %#" PRIx64,
					  r->name ? r->name : "?",
					  o->name ? o->name : "?", o->gpa);
	}
	for (i = 0; i < m->n && m->r[i].gpa < r->gpa; i++)
		;
	memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof(m->r[0]));
	m->r[i] = *r;
	m->n++;
	return 0;
}

int mon_mem_layout(struct mon_mem *m, uint64_t ram, char *err, size_t errlen)
{
	struct mon_mem_region low = {
		.gpa = 0, .type = MON_MEM_RAM, .backed = true, .name = "ram",
	};
	int r;

	memset(m, 0, sizeof(*m));
	if (!ram || ram & (MON_PAGE_SIZE - 1) ||
	    ram > UINT64_MAX - MON_HIGHMEM_START)
		return mon_seterr(-EINVAL, err, errlen, "impossible memory size "
				  "%" PRIu64 " bytes", ram);
	m->ram_size = ram;
	low.size = ram < MON_LOWMEM_END ? ram : MON_LOWMEM_END;
	r = mon_mem_add(m, &low, err, errlen);
	if (r == 0 && ram > low.size) {
		struct mon_mem_region high = low;

		high.gpa = MON_HIGHMEM_START;
		high.size = ram - low.size;
		high.name = "ram-high";
		r = mon_mem_add(m, &high, err, errlen);
	}
	return r;
}

/*
 * Guest RAM on a 2 MiB boundary, with transparent huge pages asked for:
 * the module maps it into the nested page tables as the guest touches
 * it, a whole huge page at a time where the host backs it with one.
 * Without THP (or with it set to "never") this is plain 4 KiB memory.
 * The alignment slack around it stays reserved (PROT_NONE, no memory):
 * unmapped, the hole just below the 2 MiB boundary took the next thread
 * stack or malloc chunk, whose top 2 MiB then got a huge page of its own
 * where THP is "always" (make bench, memory section: 2 MiB of the
 * monitor's 8.6).
 */
#define MEM_HUGE	(2ULL << 20)

static void *map_huge_aligned(struct mon_mem *m, uint64_t size)
{
	uint8_t *p, *a;
	size_t len = size + MEM_HUGE;

	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + MEM_HUGE - 1) & ~(uintptr_t)(MEM_HUGE - 1));
	if (mprotect(a, size, PROT_READ | PROT_WRITE) < 0) {
		munmap(p, len);
		return NULL;
	}
	m->res = p;
	m->res_size = len;
#ifdef MADV_HUGEPAGE
	madvise(a, size, MADV_HUGEPAGE);	/* a hint: failure is fine */
#endif
	mon_mem_advise(a, size);
	return a;
}

int mon_mem_alloc(struct mon_mem *m, char *err, size_t errlen)
{
	uint64_t total = 0, off = 0;
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].backed && !m->r[i].host)
			total += m->r[i].size;
	if (!total)
		return 0;
	if (total > SIZE_MAX)
		return mon_seterr(-ENOMEM, err, errlen, "guest memory too large "
				  "for this host");
	/* NORESERVE: guest RAM is only committed as the guest touches it
	 * (and when the module pins a slot). */
	m->map = map_huge_aligned(m, total);
	if (!m->map) {
		int e = errno;

		return mon_seterr(-e, err, errlen, "cannot map %" PRIu64 " MiB of "
				  "guest memory: %s (use a smaller --memory)",
				  total >> 20, strerror(e));
	}
	m->map_size = total;
	for (i = 0; i < m->n; i++) {
		size_t words = (m->r[i].size / 4096 + 63) / 64;

		if (!m->r[i].backed)
			continue;
		m->written[i] = calloc(words, 8);
		m->held[i] = calloc(words, 8);
		if (!m->written[i] || !m->held[i])
			return mon_seterr(-ENOMEM, err, errlen, "out of memory");
		if (!m->r[i].host) {
			m->r[i].host = (uint8_t *)m->map + off;
			off += m->r[i].size;
		}
	}
	return 0;
}

static void note(uint64_t *const *maps, const struct mon_mem *m, uint64_t gpa)
{
	for (unsigned int i = 0; i < m->n; i++) {
		const struct mon_mem_region *r = &m->r[i];
		uint64_t pfn;

		if (!maps[i] || gpa < r->gpa || gpa - r->gpa >= r->size)
			continue;
		pfn = (gpa - r->gpa) / 4096;
		__atomic_fetch_or(&maps[i][pfn / 64], 1ULL << pfn % 64,
				  __ATOMIC_RELAXED);
		return;
	}
}

void mon_mem_note_write(const struct mon_mem *m, uint64_t gpa)
{
	if (__atomic_load_n(&m->wlog_on, __ATOMIC_ACQUIRE))
		note(m->written, m, gpa);
}

void mon_mem_note_held(const struct mon_mem *m, uint64_t gpa)
{
	note(m->held, m, gpa);
}

void mon_mem_wlog(struct mon_mem *m, bool on)
{
	for (unsigned int i = 0; on && i < m->n; i++)
		if (m->written[i])
			memset(m->written[i], 0, (m->r[i].size / 4096 + 63) / 64 * 8);
	__atomic_store_n(&m->wlog_on, on, __ATOMIC_RELEASE);
}

void mon_mem_free(struct mon_mem *m)
{
	if (m->res)
		munmap(m->res, m->res_size);
	m->res = m->map = NULL;
	m->res_size = m->map_size = 0;
	m->wlog_on = false;
	for (unsigned int i = 0; i < m->n; i++) {
		free(m->written[i]);
		free(m->held[i]);
		m->written[i] = m->held[i] = NULL;
		if (m->r[i].backed)
			m->r[i].host = NULL;
	}
}

void *mon_mem_ram_ptr(const struct mon_mem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < m->n; i++) {
		const struct mon_mem_region *r = &m->r[i];

		if (r->type != MON_MEM_RAM || !r->host)
			continue;
		/* written so that no sum can overflow */
		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

uint64_t mon_mem_top(const struct mon_mem *m)
{
	return m->n ? m->r[m->n - 1].gpa + m->r[m->n - 1].size : 0;
}
