/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host-independent Xen layer needs beyond kmod/hx_os.h: a lock
 * usable from hard-IRQ context (hrtimer expiry, eventfd wake callbacks),
 * atomic bit operations on guest memory (shared_info, vcpu_info) and
 * large zeroed allocations.
 */
#ifndef HX_XEN_OS_H
#define HX_XEN_OS_H

#include "hx_os.h"

#ifdef HX_USER

#include <pthread.h>

typedef pthread_mutex_t hx_xen_lock_t;
#define hx_xen_lock_init(l)		pthread_mutex_init((l), NULL)
#define hx_xen_lock(l, flags)		((void)(flags), pthread_mutex_lock(l))
#define hx_xen_unlock(l, flags)		((void)(flags), pthread_mutex_unlock(l))
#define hx_xen_zalloc_big(sz)		calloc(1, (sz))
#define hx_xen_free_big(p)		free(p)
#define hx_xen_wmb()			__atomic_thread_fence(__ATOMIC_RELEASE)
#define hx_xen_mb()			__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define HX_XEN_READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define HX_XEN_WRITE_ONCE(x, v)		__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Full-barrier atomic bit operations on little-endian u64 bitmaps. */
static inline bool hx_xen_test_and_set(unsigned int nr, u64 *map)
{
	u64 m = 1ULL << (nr % 64);

	return __atomic_fetch_or(&map[nr / 64], m, __ATOMIC_SEQ_CST) & m;
}

static inline bool hx_xen_test_and_clear(unsigned int nr, u64 *map)
{
	u64 m = 1ULL << (nr % 64);

	return __atomic_fetch_and(&map[nr / 64], ~m, __ATOMIC_SEQ_CST) & m;
}

static inline bool hx_xen_test(unsigned int nr, const u64 *map)
{
	return (__atomic_load_n(&map[nr / 64], __ATOMIC_SEQ_CST) >> (nr % 64)) & 1;
}

static inline u8 hx_xen_xchg8(u8 *p, u8 v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

#else /* kernel */

#include <linux/spinlock.h>
#include <linux/bitops.h>
#include <linux/atomic.h>
#include <linux/mm.h>

typedef spinlock_t hx_xen_lock_t;
#define hx_xen_lock_init(l)		spin_lock_init(l)
#define hx_xen_lock(l, flags)		spin_lock_irqsave((l), (flags))
#define hx_xen_unlock(l, flags)		spin_unlock_irqrestore((l), (flags))
#define hx_xen_zalloc_big(sz)		kvzalloc((sz), GFP_KERNEL_ACCOUNT)
#define hx_xen_free_big(p)		kvfree(p)
#define hx_xen_wmb()			smp_wmb()
#define hx_xen_mb()			smp_mb()
#define HX_XEN_READ_ONCE(x)		READ_ONCE(x)
#define HX_XEN_WRITE_ONCE(x, v)		WRITE_ONCE(x, v)

/*
 * x86-64: unsigned long is a u64 and the kernel's bit numbering matches
 * Xen's, so the locked kernel primitives work on the guest's bitmaps.
 */
static inline bool hx_xen_test_and_set(unsigned int nr, u64 *map)
{
	return test_and_set_bit(nr, (unsigned long *)map);
}

static inline bool hx_xen_test_and_clear(unsigned int nr, u64 *map)
{
	return test_and_clear_bit(nr, (unsigned long *)map);
}

static inline bool hx_xen_test(unsigned int nr, const u64 *map)
{
	smp_mb();
	return test_bit(nr, (const unsigned long *)map);
}

static inline u8 hx_xen_xchg8(u8 *p, u8 v)
{
	return xchg(p, v);
}

#endif /* HX_USER */

#endif /* HX_XEN_OS_H */
