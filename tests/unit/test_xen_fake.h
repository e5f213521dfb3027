/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake host for the Xen layer's unit tests: FAKE_PAGES of guest RAM at
 * GPA 0 in a buffer, 4-level page tables built in that RAM (walked by the
 * module's own hx_pgwalk.c), and recorders for kicks, timers, eventfd
 * notifications and grant-frame mappings.
 */
#ifndef TEST_XEN_FAKE_H
#define TEST_XEN_FAKE_H

#include "xen/xen.h"

#define FAKE_PAGES		512		/* 2 MiB of guest RAM */
#define FAKE_GVA_BASE		0xffff888000000000ULL
#define FAKE_HOLE_PAGE		300		/* GVA of this page is not mapped */
#define FAKE_SWAP_PAGE		310		/* GVA pages 310/311 map GPA 311/310 */
#define FAKE_SCRATCH		(64 * 4096ULL)	/* hypercall argument area */
#define FAKE_TSC_KHZ		2000000		/* 2 GHz: 2 ticks per ns */

struct fake_host {
	u8 *mem;
	u64 tsc;
	int page_refs;				/* page_get minus page_put */
	unsigned int kicks[HX_XEN_MAX_VCPUS];
	bool timer_armed[HX_XEN_MAX_VCPUS][2];
	u64 timer_delta[HX_XEN_MAX_VCPUS][2];
	unsigned int notified[XEN_NR_EVTCHN_2L];
	unsigned int released[XEN_NR_EVTCHN_2L];
	u64 grant_map[HX_XEN_MAX_GNT_FRAMES];	/* gfn or HX_XEN_NO_GFN */
	unsigned int unmaps;
	bool ballooned[FAKE_PAGES];		/* given back by the guest */
	unsigned int nr_ballooned;
};

extern struct fake_host fh;

/* GVA of a guest-physical address (linear map except the hole/swap). */
static inline u64 fake_gva(u64 gpa)
{
	return FAKE_GVA_BASE + gpa;
}

void fake_reset(void);
struct hx_xen_vm *fake_vm(unsigned int nr_vcpus);
void fake_vm_free(struct hx_xen_vm *xvm);
/* Copy @len bytes to/from guest-physical @gpa. */
void fake_put(u64 gpa, const void *buf, u32 len);
void fake_get(u64 gpa, void *buf, u32 len);
long fake_hcall(struct hx_xen_vcpu *xv, u64 nr, u64 a0, u64 a1, u64 a2);
/* Hypercall with an argument struct copied to the scratch area first. */
long fake_hcall_arg(struct hx_xen_vcpu *xv, u64 nr, u64 cmd, void *arg, u32 len);
/* Standard boot steps: shared_info at gfn, callback vector 0xF3. */
void fake_map_shinfo(struct hx_xen_vcpu *xv, u64 gfn);
void fake_set_callback(struct hx_xen_vcpu *xv);
struct hx_xen_shinfo *fake_shinfo(struct hx_xen_vm *xvm);

#endif /* TEST_XEN_FAKE_H */
