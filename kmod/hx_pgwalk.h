/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest page-table walker (host independent): translates guest-virtual
 * (linear) addresses to guest-physical ones the way the guest's MMU
 * would, for MMIO instruction fetch, string I/O and Xen hypercall
 * arguments.  Paging modes: none (real mode / CR0.PG=0), 32-bit (4 KiB and
 * 4 MiB PSE pages), PAE, 4-level and 5-level long mode, with 2 MiB and
 * 1 GiB pages.  Guest-physical memory is read through a callback.
 *
 * Not modelled (documented in docs/kmod.md): SMEP/SMAP/PKU, setting the
 * accessed/dirty bits, segmentation (callers add segment bases).
 */
#ifndef HX_PGWALK_H
#define HX_PGWALK_H

#include "hx_os.h"

struct hx_walk_ctx {
	u64 cr0, cr3, cr4, efer;
	u32 cpl;		/* 3 = user-mode access checks */
	/* Read/write guest-physical memory; return 0 or -EFAULT. */
	int (*read_gpa)(void *opaque, u64 gpa, void *buf, u32 len);
	int (*write_gpa)(void *opaque, u64 gpa, const void *buf, u32 len);
	void *opaque;
};

/* @access for the walk */
#define HX_ACC_READ		0
#define HX_ACC_WRITE		(1 << 0)
#define HX_ACC_FETCH		(1 << 1)

/* #PF error code bits [Intel SDM 4.7, AMD APM 8.4.2] */
#define HX_PF_P			(1U << 0)
#define HX_PF_W			(1U << 1)
#define HX_PF_U			(1U << 2)
#define HX_PF_RSVD		(1U << 3)
#define HX_PF_I			(1U << 4)

struct hx_walk_result {
	u64 gpa;
	u64 page_size;		/* 4K, 2M, 4M or 1G; gva space if no paging */
	u32 pf_error;		/* #PF error code when the walk returns -ENOENT */
	u32 level;		/* level of the leaf entry (1 = PTE) */
};

/*
 * Walk @gva.  Returns 0 (res->gpa valid), -ENOENT for a page fault
 * (res->pf_error holds the error code to inject with CR2 = gva), -EINVAL
 * for a non-canonical address (#GP), or -EFAULT when a paging structure
 * lies outside guest memory.
 */
int hx_gva_walk(const struct hx_walk_ctx *ctx, u64 gva, int access,
		struct hx_walk_result *res);

/* Same, only the address. */
int hx_gva_to_gpa(const struct hx_walk_ctx *ctx, u64 gva, int access, u64 *gpa);

/*
 * Copy @len bytes between guest-virtual @gva and a buffer, translating
 * every page separately (a range may cross page boundaries into
 * discontiguous guest-physical pages).  Same return values as the walk.
 */
int hx_copy_from_guest(const struct hx_walk_ctx *ctx, void *dst, u64 gva, u32 len);
int hx_copy_to_guest(const struct hx_walk_ctx *ctx, u64 gva, const void *src, u32 len);
/* Instruction fetch form (checks execute permission). */
int hx_fetch_guest(const struct hx_walk_ctx *ctx, void *dst, u64 gva, u32 len);

#endif /* HX_PGWALK_H */
