/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host shim for the host-independent parts of hxen.ko (hx_cpuid.c,
 * hx_msr.c, hx_decode.c, hx_pgwalk.c, xen/ sources).  The same sources build
 * into the kernel module and, with -DHX_USER, into the CUnit binary.
 * Only what those files need lives here: fixed-width types, memory
 * helpers, logging, bit operations and errno values.
 */
#ifndef HX_OS_H
#define HX_OS_H

#ifdef HX_USER

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef BIT
#define BIT(n)			(1UL << (n))
#endif
#ifndef BIT_ULL
#define BIT_ULL(n)		(1ULL << (n))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define HX_LOG_DEBUG		0
#define hx_log(fmt, ...)	fprintf(stderr, "hxen: " fmt "\n", ##__VA_ARGS__)
#define hx_dbg(fmt, ...)	do { if (HX_LOG_DEBUG) hx_log(fmt, ##__VA_ARGS__); } while (0)
#define hx_alloc(sz)		calloc(1, (sz))
#define hx_free(p)		free(p)
#define hx_likely(x)		__builtin_expect(!!(x), 1)
#define hx_unlikely(x)		__builtin_expect(!!(x), 0)
/* Zeroed 4 KiB pages and their "physical" address (the tests provide them). */
void *hx_page_zalloc(void);
void hx_page_free(void *page);
#define hx_pa(p)		((u64)(uintptr_t)(p))
#define hx_va(pa)		((void *)(uintptr_t)(pa))

#else /* kernel */

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/printk.h>
#include <linux/gfp.h>
#include <asm/page.h>

#define hx_log(fmt, ...)	pr_info("hxen: " fmt "\n", ##__VA_ARGS__)
#define hx_dbg(fmt, ...)	pr_debug("hxen: " fmt "\n", ##__VA_ARGS__)
#define hx_alloc(sz)		kzalloc((sz), GFP_KERNEL)
#define hx_free(p)		kfree(p)
#define hx_likely(x)		likely(x)
#define hx_unlikely(x)		unlikely(x)
#define hx_page_zalloc()	((void *)get_zeroed_page(GFP_KERNEL_ACCOUNT))
#define hx_page_free(p)		free_page((unsigned long)(p))
#define hx_pa(p)		__pa(p)
#define hx_va(pa)		__va(pa)

#endif /* HX_USER */

/* Bit @n of a bitmap of u64 words. */
static inline bool hx_test_bit64(const u64 *map, unsigned int n)
{
	return (map[n / 64] >> (n % 64)) & 1;
}

static inline void hx_set_bit64(u64 *map, unsigned int n)
{
	map[n / 64] |= 1ULL << (n % 64);
}

/* Sign-extend the low @bits bits of @v. */
static inline u64 hx_sext(u64 v, unsigned int bits)
{
	unsigned int s = 64 - bits;

	return bits >= 64 ? v : (u64)((s64)(v << s) >> s);
}

/* Truncate @v to @bytes (1, 2, 4 or 8). */
static inline u64 hx_trunc(u64 v, unsigned int bytes)
{
	return bytes >= 8 ? v : v & ((1ULL << (bytes * 8)) - 1);
}

#endif /* HX_OS_H */
