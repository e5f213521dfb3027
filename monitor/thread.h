/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every thread of the monitor does first.
 */
#ifndef HXEN_MONITOR_THREAD_H
#define HXEN_MONITOR_THREAD_H

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * No transparent huge pages in this thread's stack.  Where THP is
 * "always", a stack's VMA merges with an anonymous neighbour of the same
 * flags (a malloc chunk mmapped next to it), and once the two span an
 * aligned 2 MiB range khugepaged collapses it into a huge page (Linux's
 * max_ptes_none lets it collapse a range that is almost all unmapped): 2
 * MiB of RSS for a few KiB of stack (make bench, memory section, a 2116
 * kB stack-and-chunk VMA).  MADV_NOHUGEPAGE marks the stack's VMA
 * (VM_NOHUGEPAGE), which also keeps it from merging.  glibc 2.36 has no
 * tunable for this (2.38's glibc.pthread.stack_hugetlb); best effort.
 */
static inline void mon_thread_no_thp(void)
{
	pthread_attr_t a;
	size_t size;
	void *addr;

	if (pthread_getattr_np(pthread_self(), &a))
		return;
	if (!pthread_attr_getstack(&a, &addr, &size)) {
		long pg = sysconf(_SC_PAGESIZE);
		uintptr_t lo = (uintptr_t)addr, hi = lo + size;

		lo = (lo + pg - 1) & ~(uintptr_t)(pg - 1);
		hi &= ~(uintptr_t)(pg - 1);
		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_NOHUGEPAGE);
	}
	pthread_attr_destroy(&a);
}

#endif
