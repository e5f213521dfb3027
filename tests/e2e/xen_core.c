// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-xen-core: the module's Xen layer driven through the real hardware
 * path, inside the emulated host (tests/e2e/scenarios/44-xen-core.sh).
 *
 A 64-bit guest (as PVH Linux: 4-level page tables, hypercall pointers
 * are kernel virtual addresses at 0xffff888000000000 + GPA, RDI, RSI, RDX
 * arguments) runs tiny stubs: "vmmcall/vmcall; out 0x80" for each
 * hypercall, cpuid, wrmsr and a memory read; an IDT gate for the upcall
 * vector 0xF3 counts upcalls.  A first check runs in 32-bit protected
 * mode with paging off (EBX, ECX, EDX arguments).  Checked: CPUID leaves, dispatch,
 * xen_version, shared_info adoption and pvclock, HVM params, VIRQ_TIMER on
 * the hrtimer waking HLT, kick/notify eventfds, monitor bind/unbind,
 * grant-frame mapping in the nested page table, the hypercall page,
 * register_vcpu_info, SCHEDOP_poll timeout and SCHEDOP_shutdown.  One TAP
 * line per check; exit status 1 if any failed.  Linked statically.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <x86intrin.h>

#include <hxen/hxen.h>
#include "xen/xen_abi.h"

#define RAM_SIZE	(2UL << 20)
#define GDT		0x500
#define IDT		0x600
#define ST_HCALL	0x1000
#define ST_CPUID	0x1010
#define ST_WRMSR	0x1020
#define ST_READ		0x1030
#define ST_IDLE_HLT	0x1040
#define ST_IDLE_NOP	0x1050
#define HANDLER		0x2000		/* vCPU 0's upcall handler */
#define HANDLER1	0x2100		/* vCPU 1's */
#define COUNTER		0x3000
#define VIPTR		0x3004		/* vCPU 0's vcpu_info address */
#define VIPTR1		0x3008		/* vCPU 1's */
#define SCRATCH		0x4000
#define HCPAGE		0x5000
#define STACK		0x8000
#define PML4		0x9000
#define PDPT		0xa000
#define PD0		0xb000		/* 0..1 GiB, 2 MiB pages */
#define PD2		0xc000		/* 2..3 GiB (grant frame) */
#define IDT1		0xd000		/* vCPU 1's IDT */
#define STACK1		0x7800
#define KVA		0xffff888000000000ULL	/* PML4 slot 273: GPA 0 */
#define SHINFO_GFN	0x10
#define VINFO_GFN	0x11
#define GNT_GFN		0x80000		/* 2 GiB: not RAM */
#define UPCALL		0xf3

static int ncase, nbad, vcpu;
static u8 *ram;
static struct hxen_run *run;
static int amd, long_mode;

/* A hypercall pointer: kernel virtual address in long mode. */
static u64 gva(u64 gpa)
{
	return long_mode ? KVA + gpa : gpa;
}

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++ncase);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		nbad++;
}

static void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static void put(u64 gpa, const void *p, size_t n)
{
	memcpy(ram + gpa, p, n);
}

/* Run vCPU @fd from @rip with @r until an OUT; returns the port, or -1. */
static int run_on(int fd, struct hxen_run *rp, u64 rip, u64 rsp, struct hxen_regs *r)
{
	r->rip = rip;
	r->rflags = 2;
	r->rsp = rsp;
	if (ioctl(fd, HXEN_SET_REGS, r) < 0)
		die("SET_REGS");
	for (;;) {
		if (ioctl(fd, HXEN_RUN, 0) < 0 && errno != EINTR)
			die("RUN");
		if (rp->exit_reason == HXEN_EXIT_INTR)
			continue;
		if (ioctl(fd, HXEN_GET_REGS, r) < 0)
			die("GET_REGS");
		if (rp->exit_reason == HXEN_EXIT_IO && rp->io.direction == HXEN_IO_OUT)
			return rp->io.port;
		return -1;
	}
}

static int run_at(u64 rip, struct hxen_regs *r)
{
	return run_on(vcpu, run, rip, STACK, r);
}

/* RDI, RSI, RDX in long mode; EBX, ECX, EDX in 32-bit mode. */
static void hcall_regs(struct hxen_regs *r, u64 nr, u64 a0, u64 a1, u64 a2)
{
	memset(r, 0, sizeof(*r));
	r->rax = nr;
	if (long_mode) {
		r->rdi = a0;
		r->rsi = a1;
		r->rdx = a2;
	} else {
		r->rbx = a0;
		r->rcx = a1;
		r->rdx = a2;
	}
}

static long hcall(u64 nr, u64 a0, u64 a1, u64 a2)
{
	struct hxen_regs r;

	hcall_regs(&r, nr, a0, a1, a2);
	if (run_at(ST_HCALL, &r) != 0x80)
		return -1000 - run->exit_reason;
	return long_mode ? (long)r.rax : (int32_t)r.rax;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct hx_xen_shinfo *shinfo(void)
{
	return (struct hx_xen_shinfo *)(ram + SHINFO_GFN * 4096UL);
}

/* Guest system time now, from vcpu_info[0].time as the guest does. */
static u64 guest_ns(void)
{
	struct hx_xen_time_info *t = &shinfo()->vcpu_info[0].time;
	u64 d = __rdtsc() - t->tsc_timestamp;

	d = t->tsc_shift < 0 ? d >> -t->tsc_shift : d << t->tsc_shift;
	return t->system_time + (u64)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

static void clear_events(void)
{
	struct hx_xen_shinfo *s = shinfo();

	memset(s->evtchn_pending, 0, sizeof(s->evtchn_pending));
	s->vcpu_info[0].evtchn_pending_sel = 0;
	s->vcpu_info[0].evtchn_upcall_pending = 0;
}

static u32 counter(void)
{
	return *(volatile u32 *)(ram + COUNTER);
}

static void setup_guest(void)
{
	static const u8 hcall_vmmcall[] = { 0x0f, 0x01, 0xd9, 0xe6, 0x80, 0xf4 };
	static const u8 hcall_vmcall[] = { 0x0f, 0x01, 0xc1, 0xe6, 0x80, 0xf4 };
	static const u8 cpuid[] = { 0x0f, 0xa2, 0xe6, 0x80, 0xf4 };
	static const u8 wrmsr[] = { 0x0f, 0x30, 0xe6, 0x80, 0xf4 };
	static const u8 rd[] = { 0x8b, 0x03, 0xe6, 0x80, 0xf4 };
	static const u8 idle_hlt[] = { 0xfb, 0xf4, 0xfa, 0xe6, 0x81, 0xf4 };
	static const u8 idle_nop[] = { 0xfb, 0x90, 0x90, 0x90, 0xfa, 0xe6, 0x81, 0xf4 };
	/*
	 * push rax; mov eax,[VIPTR]; mov byte [rax],0; inc dword [COUNTER];
	 * pop rax; iretq.  Like Linux it clears its own upcall_pending (the
	 * upcall is level-like) and does not EOI.
	 */
	u8 handler[] = {
		0x50, 0x8b, 0x04, 0x25, VIPTR & 0xff, VIPTR >> 8, 0, 0,
		0xc6, 0x00, 0x00,
		0xff, 0x04, 0x25, COUNTER & 0xff, COUNTER >> 8, 0, 0,
		0x58, 0x48, 0xcf,
	};
	/* null, 32-bit code, data, 64-bit code */
	u64 gdt[4] = { 0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL,
		       0x00af9b000000ffffULL };
	u64 gate[2] = { (HANDLER & 0xffff) | (0x18ULL << 16) | (0x8eULL << 40) |
			((u64)(HANDLER >> 16) << 48), 0 };
	u64 gate1[2] = { (HANDLER1 & 0xffff) | (0x18ULL << 16) | (0x8eULL << 40) |
			 ((u64)(HANDLER1 >> 16) << 48), 0 };
	u32 vi1 = SHINFO_GFN * 4096 + 64;
	u64 *pml4 = (u64 *)(ram + PML4), *pdpt = (u64 *)(ram + PDPT);
	u64 *pd0 = (u64 *)(ram + PD0), *pd2 = (u64 *)(ram + PD2);
	u32 vi = SHINFO_GFN * 4096;
	unsigned int i;

	put(GDT, gdt, sizeof(gdt));
	put(IDT + UPCALL * 16, gate, sizeof(gate));
	put(IDT1 + UPCALL * 16, gate1, sizeof(gate1));
	/* Identity map of 0-1 GiB and 2-3 GiB, and the same at KVA. */
	pml4[0] = PDPT | 3;
	pml4[(KVA >> 39) & 511] = PDPT | 3;
	pdpt[0] = PD0 | 3;
	pdpt[2] = PD2 | 3;
	for (i = 0; i < 512; i++) {
		pd0[i] = ((u64)i << 21) | 0x83;
		pd2[i] = (0x80000000ULL + ((u64)i << 21)) | 0x83;
	}
	put(ST_HCALL, amd ? hcall_vmmcall : hcall_vmcall, sizeof(hcall_vmmcall));
	put(ST_CPUID, cpuid, sizeof(cpuid));
	put(ST_WRMSR, wrmsr, sizeof(wrmsr));
	put(ST_READ, rd, sizeof(rd));
	put(ST_IDLE_HLT, idle_hlt, sizeof(idle_hlt));
	put(ST_IDLE_NOP, idle_nop, sizeof(idle_nop));
	put(HANDLER, handler, sizeof(handler));
	handler[4] = VIPTR1 & 0xff;
	put(HANDLER1, handler, sizeof(handler));
	put(VIPTR, &vi, 4);
	put(VIPTR1, &vi1, 4);
}

static void flat_sregs_on(int fd, bool lm, u64 idt)
{
	struct hxen_sregs s;
	struct hxen_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = lm ? 0x18 : 0x08, .type = 0xb,
		.present = 1, .db = !lm, .l = lm, .s = 1, .g = 1,
	};
	struct hxen_segment data = code;

	if (ioctl(fd, HXEN_GET_SREGS, &s) < 0)
		die("GET_SREGS");
	data.selector = 0x10;
	data.type = 0x3;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	memset(&s.tr, 0, sizeof(s.tr));
	s.tr.type = 0xb;
	s.tr.present = 1;
	s.tr.limit = 0x67;
	memset(&s.ldt, 0, sizeof(s.ldt));
	s.ldt.unusable = 1;
	s.gdt.base = GDT;
	s.gdt.limit = 31;
	s.idt.base = idt;
	s.idt.limit = 256 * 16 - 1;
	s.cr0 = lm ? 0x80000011 : 0x11;		/* PG, ET, PE */
	s.cr3 = lm ? PML4 : 0;
	s.cr4 = lm ? 0x20 : 0;			/* PAE */
	s.efer = lm ? 0x500 : 0;		/* LMA, LME */
	if (ioctl(fd, HXEN_SET_SREGS, &s) < 0)
		die("SET_SREGS");
}

static void flat_sregs(bool lm)
{
	flat_sregs_on(vcpu, lm, IDT);
	long_mode = lm;
}

static void test_cpuid(void)
{
	struct hxen_regs r = { .rax = 0x40000000 };
	int out = run_at(ST_CPUID, &r);

	/* Arguments are evaluated in any order: run the guest first. */
	check(out == 0x80 && r.rax == 0x40000005 && r.rbx == XEN_CPUID_SIG_EBX &&
	      r.rcx == XEN_CPUID_SIG_ECX && r.rdx == XEN_CPUID_SIG_EDX,
	      "CPUID 0x40000000: XenVMMXenVMM, max 0x%llx", (unsigned long long)r.rax);
	memset(&r, 0, sizeof(r));
	r.rax = 0x40000004;
	run_at(ST_CPUID, &r);
	check((r.rax & 0x18) == 0x18 && r.rbx == 0 && r.rcx == 1,
	      "CPUID 0x40000004: flags %#llx vcpu %llu domid %llu", (unsigned long long)r.rax,
	      (unsigned long long)r.rbx, (unsigned long long)r.rcx);
	memset(&r, 0, sizeof(r));
	r.rax = 0x40000001;
	run_at(ST_CPUID, &r);
	check(r.rax == 0x4000f, "CPUID 0x40000001: version %#llx", (unsigned long long)r.rax);
}

static void test_small_hcalls(void)
{
	u32 fi[2] = { 0, 0 };
	long rc;

	check(hcall(XEN_HC_xen_version, XENVER_version, 0, 0) == 0x4000f, "xen_version 4.15");
	put(SCRATCH, fi, sizeof(fi));
	rc = hcall(XEN_HC_xen_version, XENVER_get_features, gva(SCRATCH), 0);
	memcpy(fi, ram + SCRATCH, sizeof(fi));
	check(rc == 0 && fi[1] == XEN_FEATURES_SUBMAP0, "XENVER_get_features: %ld, %#x", rc, fi[1]);
	check(hcall(99, 0, 0, 0) == -XE_NOSYS, "unknown hypercall: -ENOSYS");
	check(hcall(XEN_HC_event_channel_op, EVTCHNOP_init_control, gva(SCRATCH), 0) == -XE_NOSYS,
	      "EVTCHNOP_init_control: -ENOSYS (2-level)");
	check(hcall(XEN_HC_hvm_op, HVMOP_pagetable_dying, gva(SCRATCH), 0) == -XE_NOSYS,
	      "HVMOP_pagetable_dying: -ENOSYS");
	check(hcall(XEN_HC_xen_version, XENVER_get_features, gva(0x7ff00000), 0) == -XE_FAULT,
	      "pointer outside guest RAM: -EFAULT");
	check(hcall(XEN_HC_xen_version, XENVER_get_features, 0x100000000000ULL, 0) == -XE_FAULT,
	      "unmapped guest-virtual pointer: -EFAULT");
}

static void test_shared_info(u64 t_config)
{
	struct xen_add_to_physmap a = {
		.domid = XEN_DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = SHINFO_GFN,
	};
	struct hx_xen_time_info *t = &shinfo()->vcpu_info[0].time;
	u64 g0, h0, g1, h1;
	long rc;

	memset(ram + SHINFO_GFN * 4096UL, 0x55, 4096);
	put(SCRATCH, &a, sizeof(a));
	rc = hcall(XEN_HC_memory_op, XENMEM_add_to_physmap, gva(SCRATCH), 0);
	check(rc == 0 && shinfo()->evtchn_mask[0] == 0, "add_to_physmap(shared_info): %ld", rc);
	check(t->version && !(t->version & 1) && t->tsc_to_system_mul,
	      "pvclock filled: version %u mul %u shift %d flags %u", t->version,
	      t->tsc_to_system_mul, t->tsc_shift, t->flags);
	check(shinfo()->wc_sec > 1600000000 && !(shinfo()->wc_version & 1),
	      "wallclock %u s", shinfo()->wc_sec);
	/* The guest's clock runs with CLOCK_MONOTONIC (loosely: emulated host). */
	g0 = guest_ns();
	h0 = now_ns();
	usleep(200000);
	g1 = guest_ns();
	h1 = now_ns();
	check(g1 - g0 > (h1 - h0) / 2 && g1 - g0 < (h1 - h0) * 2 && g0 < h0 - t_config + 1000000000ULL,
	      "pvclock: %llu ns of guest time in %llu ns", (unsigned long long)(g1 - g0),
	      (unsigned long long)(h1 - h0));
}

static long set_param_guest(u32 index, u64 value)
{
	struct xen_hvm_param p = { .domid = XEN_DOMID_SELF, .index = index, .value = value };

	put(SCRATCH, &p, sizeof(p));
	return hcall(XEN_HC_hvm_op, HVMOP_set_param, gva(SCRATCH), 0);
}

static void test_params(int vm)
{
	struct hxen_xen_param mp = { .index = 1, .value = 0xfeffc };
	struct xen_hvm_param p = { .domid = XEN_DOMID_SELF, .index = 1 };
	long rc;

	check(ioctl(vm, HXEN_XEN_SET_PARAM, &mp) == 0, "monitor sets STORE_PFN");
	put(SCRATCH, &p, sizeof(p));
	rc = hcall(XEN_HC_hvm_op, HVMOP_get_param, gva(SCRATCH), 0);
	memcpy(&p, ram + SCRATCH, sizeof(p));
	check(rc == 0 && p.value == 0xfeffc, "guest reads STORE_PFN %#llx",
	      (unsigned long long)p.value);
	check(set_param_guest(1, 5) == -XE_PERM, "guest may not set STORE_PFN");
	check(set_param_guest(HVM_PARAM_CALLBACK_IRQ, 0x0200000000000000ULL | UPCALL) == 0,
	      "guest sets CALLBACK_IRQ vector 0xf3");
}

static u32 bind_virq_timer(void)
{
	struct xen_evtchn_bind_virq b = { .virq = XEN_VIRQ_TIMER, .vcpu = 0 };
	long rc;

	put(SCRATCH, &b, sizeof(b));
	rc = hcall(XEN_HC_event_channel_op, EVTCHNOP_bind_virq, gva(SCRATCH), 0);
	memcpy(&b, ram + SCRATCH, sizeof(b));
	check(rc == 0 && b.port > 0, "bind_virq(TIMER): port %u", b.port);
	return b.port;
}

static long singleshot(u64 deadline)
{
	struct xen_vcpu_set_singleshot_timer st = { .timeout_abs_ns = deadline };

	put(SCRATCH, &st, sizeof(st));
	return hcall(XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, 0, gva(SCRATCH));
}

static void test_timer(void)
{
	u32 port = bind_virq_timer();
	struct hxen_regs r = { 0 };
	u32 c0 = counter();
	u64 t0;
	int out;

	clear_events();
	check(singleshot(guest_ns() + 20000000) == 0, "set_singleshot_timer(+20 ms)");
	t0 = now_ns();
	out = run_at(ST_IDLE_HLT, &r);
	t0 = now_ns() - t0;
	check(out == 0x81 && counter() == c0 + 1 && (shinfo()->evtchn_pending[0] >> port & 1),
	      "HLT woken by VIRQ_TIMER upcall after %llu us (port %u; out %#x, upcalls %u)",
	      (unsigned long long)t0 / 1000, port, out, counter() - c0);
	check(t0 >= 15000000, "timer did not fire early");
	clear_events();
	c0 = counter();
	check(singleshot(1) == 0, "past deadline accepted");
	out = run_at(ST_IDLE_NOP, &r);
	check(out == 0x81 && counter() == c0 + 1, "past deadline fires at once");
	clear_events();
}

static void test_monitor_ports(int vm)
{
	int kick = eventfd(0, EFD_NONBLOCK), notify = eventfd(0, EFD_NONBLOCK);
	struct hxen_evtchn_bind b = {
		.flags = HXEN_EVTCHN_ALLOC, .notify_fd = notify, .kick_fd = kick,
	};
	struct xen_evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = 0 };
	struct hxen_evtchn_unbind ub = { 0 };
	struct hxen_regs r = { 0 };
	u64 one = 1, cnt = 0;
	u32 c0, port;
	long rc;

	rc = ioctl(vm, HXEN_EVTCHN_BIND, &b);
	check(rc == 0 && b.port > 0, "EVTCHN_BIND ALLOC: port %u", b.port);
	port = b.port;
	clear_events();
	c0 = counter();
	if (write(kick, &one, 8) != 8)
		die("write kick");
	check(shinfo()->evtchn_pending[port / 64] >> (port % 64) & 1,
	      "kick_fd write raises the port without an ioctl");
	check(run_at(ST_IDLE_NOP, &r) == 0x81 && counter() == c0 + 1, "upcall for the kick");
	clear_events();
	put(SCRATCH, &port, 4);
	rc = hcall(XEN_HC_event_channel_op, EVTCHNOP_send, gva(SCRATCH), 0);
	if (read(notify, &cnt, 8) != 8)
		cnt = 0;
	check(rc == 0 && cnt == 1,
	      "guest send signals notify_fd (%ld, count %llu)", rc, (unsigned long long)cnt);

	put(SCRATCH, &au, sizeof(au));
	rc = hcall(XEN_HC_event_channel_op, EVTCHNOP_alloc_unbound, gva(SCRATCH), 0);
	memcpy(&au, ram + SCRATCH, sizeof(au));
	check(rc == 0 && au.port > 0 && au.port != port, "alloc_unbound: port %u", au.port);
	b.port = au.port;
	b.flags = 0;
	b.notify_fd = -1;
	b.kick_fd = -1;
	check(ioctl(vm, HXEN_EVTCHN_BIND, &b) == 0, "EVTCHN_BIND of the frontend's port");
	check(ioctl(vm, HXEN_EVTCHN_BIND, &b) < 0 && errno == EBUSY, "second BIND: EBUSY");
	ub.port = au.port;
	check(ioctl(vm, HXEN_EVTCHN_UNBIND, &ub) == 0, "EVTCHN_UNBIND");
	check(ioctl(vm, HXEN_EVTCHN_UNBIND, &ub) < 0 && errno == EINVAL,
	      "UNBIND of an unbound port: EINVAL");

	/* Guest close: the kick no longer reaches the port. */
	put(SCRATCH, &port, 4);
	check(hcall(XEN_HC_event_channel_op, EVTCHNOP_close, gva(SCRATCH), 0) == 0, "close port %u", port);
	if (write(kick, &one, 8) != 8)
		die("write kick");
	check(!(shinfo()->evtchn_pending[port / 64] >> (port % 64) & 1),
	      "kick after close is ignored");
	close(kick);
	close(notify);
}

static void test_grant(u8 *gnt)
{
	struct xen_gnttab_query_size q = { .dom = XEN_DOMID_SELF };
	struct xen_add_to_physmap a = {
		.domid = XEN_DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 1,
		.gpfn = GNT_GFN,
	};
	struct hxen_regs r = { .rbx = GNT_GFN * 4096UL + 16 };
	long rc;

	put(SCRATCH, &q, sizeof(q));
	rc = hcall(XEN_HC_grant_table_op, GNTTABOP_query_size, gva(SCRATCH), 1);
	memcpy(&q, ram + SCRATCH, sizeof(q));
	check(rc == 0 && q.max_nr_frames == 2 && q.status == 0, "query_size: max %u",
	      q.max_nr_frames);
	put(SCRATCH, &a, sizeof(a));
	rc = hcall(XEN_HC_memory_op, XENMEM_add_to_physmap, gva(SCRATCH), 0);
	check(rc == 0, "add_to_physmap(grant_table 1 at 2 GiB): %ld", rc);
	*(volatile u32 *)(gnt + 4096 + 16) = 0xfeedf00d;
	rc = run_at(ST_READ, &r);
	check(rc == 0x80 && (u32)r.rax == 0xfeedf00d,
	      "guest reads the monitor's grant frame: %#x", (u32)r.rax);
	a.idx = 2;
	put(SCRATCH, &a, sizeof(a));
	check(hcall(XEN_HC_memory_op, XENMEM_add_to_physmap, gva(SCRATCH), 0) == -XE_INVAL,
	      "frame index >= max: -EINVAL");
	a.idx = 0;
	a.gpfn = 0x20;	/* RAM */
	put(SCRATCH, &a, sizeof(a));
	check(hcall(XEN_HC_memory_op, XENMEM_add_to_physmap, gva(SCRATCH), 0) == -XE_INVAL,
	      "grant frame over RAM: -EINVAL");
}

static void test_hcall_page(void)
{
	struct hxen_regs r = { .rcx = XEN_HCALL_PAGE_MSR, .rax = HCPAGE };
	const u8 *p = ram + HCPAGE + 17 * 32;

	check(run_at(ST_WRMSR, &r) == 0x80 && p[0] == 0xb8 && p[1] == 17 && p[5] == 0x0f &&
	      p[6] == 0x01 && p[7] == (amd ? 0xd9 : 0xc1) && p[8] == 0xc3,
	      "hypercall page written by WRMSR 0x40000000");
}

static void test_vcpu_info(void)
{
	struct xen_vcpu_register_vcpu_info v = { .mfn = VINFO_GFN, .offset = 0x40 };
	struct hx_xen_vcpu_info *vi = (void *)(ram + VINFO_GFN * 4096UL + 0x40);
	struct hxen_regs r = { 0 };
	u32 c0 = counter(), addr = VINFO_GFN * 4096 + 0x40;
	long rc;

	put(SCRATCH, &v, sizeof(v));
	rc = hcall(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, gva(SCRATCH));
	check(rc == 0 && vi->evtchn_pending_sel == ~0ULL && vi->evtchn_upcall_pending == 1 &&
	      vi->time.tsc_to_system_mul, "register_vcpu_info: copied, sel ~0, upcall pending");
	put(VIPTR, &addr, 4);
	check(run_at(ST_IDLE_NOP, &r) == 0x81 && counter() == c0 + 1,
	      "upcall from the registered vcpu_info");
	put(SCRATCH, &v, sizeof(v));
	check(hcall(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, gva(SCRATCH)) == -XE_BUSY,
	      "second registration: -EBUSY");
	vi->evtchn_pending_sel = 0;
}

static void test_poll(void)
{
	struct xen_evtchn_bind_ipi bi = { .vcpu = 0 };
	struct xen_sched_poll p = { .ports = gva(SCRATCH + 64), .nr_ports = 1 };
	u64 t0;
	long rc;

	put(SCRATCH, &bi, sizeof(bi));
	hcall(XEN_HC_event_channel_op, EVTCHNOP_bind_ipi, gva(SCRATCH), 0);
	memcpy(&bi, ram + SCRATCH, sizeof(bi));
	shinfo()->evtchn_mask[bi.port / 64] |= 1ULL << (bi.port % 64);
	p.timeout = guest_ns() + 30000000;
	put(SCRATCH, &p, sizeof(p));
	put(SCRATCH + 64, &bi.port, 4);
	t0 = now_ns();
	rc = hcall(XEN_HC_sched_op, SCHEDOP_poll, gva(SCRATCH), 0);
	t0 = now_ns() - t0;
	check(rc == 0 && t0 >= 20000000, "SCHEDOP_poll on a masked port: times out after %llu us",
	      (unsigned long long)t0 / 1000);
	shinfo()->evtchn_pending[bi.port / 64] |= 1ULL << (bi.port % 64);
	p.timeout = 0;
	put(SCRATCH, &p, sizeof(p));
	check(hcall(XEN_HC_sched_op, SCHEDOP_poll, gva(SCRATCH), 0) == 0,
	      "poll of a pending port returns");
}

static void *kick_later(void *arg)
{
	u64 one = 1;

	usleep(20000);
	if (write(*(int *)arg, &one, 8) != 8)
		perror("write kick");
	return NULL;
}

/* A masked monitor port kicked from another thread ends a poll (IF=0). */
static void test_poll_kick(int vm)
{
	int kick = eventfd(0, EFD_NONBLOCK);
	struct hxen_evtchn_bind b = { .flags = HXEN_EVTCHN_ALLOC, .notify_fd = -1,
				      .kick_fd = kick };
	struct xen_sched_poll p = { .ports = gva(SCRATCH + 64), .nr_ports = 1 };
	pthread_t th;
	u64 t0;
	long rc;

	if (ioctl(vm, HXEN_EVTCHN_BIND, &b) < 0)
		die("EVTCHN_BIND");
	shinfo()->evtchn_mask[b.port / 64] |= 1ULL << (b.port % 64);
	put(SCRATCH, &p, sizeof(p));
	put(SCRATCH + 64, &b.port, 4);
	t0 = now_ns();
	pthread_create(&th, NULL, kick_later, &kick);
	rc = hcall(XEN_HC_sched_op, SCHEDOP_poll, gva(SCRATCH), 0);
	t0 = now_ns() - t0;
	pthread_join(th, NULL);
	check(rc == 0 && t0 >= 15000000 && (shinfo()->evtchn_pending[b.port / 64] >> (b.port % 64) & 1),
	      "SCHEDOP_poll woken by a kick on a masked port after %llu us",
	      (unsigned long long)t0 / 1000);
	close(kick);
}

struct idle_vcpu {
	int fd;
	struct hxen_run *run;
	int out;
	u64 woke;
};

static void *idle_thread(void *arg)
{
	struct idle_vcpu *iv = arg;
	struct hxen_regs r = { 0 };

	iv->out = run_on(iv->fd, iv->run, ST_IDLE_HLT, STACK1, &r);
	iv->woke = now_ns();
	return NULL;
}

/*
 * vCPU 1 (created after HXEN_XEN_CONFIG) halts in its own thread; vCPU 0
 * sends on an IPI port bound to vCPU 1, whose upcall wakes it.
 */
static void test_second_vcpu(int vm)
{
	struct hxen_create_vcpu cv = { .id = 1 };
	struct xen_evtchn_bind_ipi bi = { .vcpu = 1 };
	struct idle_vcpu iv = { .out = -2 };
	struct hxen_regs r;
	pthread_t th;
	u32 c0 = counter();
	u64 sent;
	long rc;

	iv.fd = ioctl(vm, HXEN_CREATE_VCPU, &cv);
	if (iv.fd < 0)
		die("CREATE_VCPU 1");
	iv.run = mmap(NULL, HXEN_RUN_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, iv.fd, 0);
	if (iv.run == MAP_FAILED)
		die("mmap run page 1");
	flat_sregs_on(iv.fd, true, IDT1);
	r = (struct hxen_regs){ .rax = 0x40000004 };
	check(run_on(iv.fd, iv.run, ST_CPUID, STACK1, &r) == 0x80 && r.rbx == 1,
	      "vCPU 1: CPUID 0x40000004 EBX = 1");
	put(SCRATCH, &bi, sizeof(bi));
	rc = hcall(XEN_HC_event_channel_op, EVTCHNOP_bind_ipi, gva(SCRATCH), 0);
	memcpy(&bi, ram + SCRATCH, sizeof(bi));
	check(rc == 0, "bind_ipi(vCPU 1): port %u", bi.port);
	shinfo()->vcpu_info[1].evtchn_upcall_pending = 0;
	pthread_create(&th, NULL, idle_thread, &iv);
	usleep(50000);
	check(iv.out == -2, "vCPU 1 sleeps in HLT");
	sent = now_ns();
	put(SCRATCH, &bi.port, 4);
	rc = hcall(XEN_HC_event_channel_op, EVTCHNOP_send, gva(SCRATCH), 0);
	pthread_join(th, NULL);
	check(rc == 0 && iv.out == 0x81 && counter() == c0 + 1 &&
	      (shinfo()->vcpu_info[1].evtchn_pending_sel >> (bi.port / 64) & 1),
	      "IPI from vCPU 0 wakes vCPU 1 through its upcall (%llu us)",
	      (unsigned long long)(iv.woke - sent) / 1000);
	close(iv.fd);
}

static void test_shutdown(void)
{
	struct hxen_regs r;
	u32 reason = 1;

	hcall_regs(&r, XEN_HC_sched_op, SCHEDOP_shutdown, gva(SCRATCH), 0);
	put(SCRATCH, &reason, 4);
	run_at(ST_HCALL, &r);
	check(run->exit_reason == HXEN_EXIT_XEN_SHUTDOWN && run->xen_shutdown.reason == 1,
	      "SCHEDOP_shutdown(reboot): exit %u reason %u", run->exit_reason,
	      run->xen_shutdown.reason);
}

int main(void)
{
	struct hxen_memory_slot slot = { .slot = 0, .size = RAM_SIZE };
	struct hxen_xen_config cfg = { .domid = 1, .max_grant_frames = 2 };
	struct hxen_create_vcpu cv = { .id = 0 };
	struct hxen_create_vm cvm = { 0 };
	struct hxen_caps caps;
	u8 *gnt;
	u64 t_config;
	int dev, vm;

	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open(HXEN_DEVICE, O_RDWR);
	if (dev < 0)
		die("open " HXEN_DEVICE);
	if (ioctl(dev, HXEN_GET_CAPS, &caps) < 0)
		die("GET_CAPS");
	amd = caps.vendor == HXEN_VENDOR_AMD;
	check(caps.features & HXEN_CAP_XEN, "HXEN_CAP_XEN advertised");
	vm = ioctl(dev, HXEN_CREATE_VM, &cvm);
	if (vm < 0)
		die("CREATE_VM");
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gnt = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || gnt == MAP_FAILED)
		die("mmap");
	memset(ram, 0, RAM_SIZE);
	slot.uaddr = (uintptr_t)ram;
	if (ioctl(vm, HXEN_SET_MEMORY_SLOT, &slot) < 0)
		die("SET_MEMORY_SLOT");
	vcpu = ioctl(vm, HXEN_CREATE_VCPU, &cv);
	if (vcpu < 0)
		die("CREATE_VCPU");
	run = mmap(NULL, HXEN_RUN_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap run page");
	cfg.gnttab_uaddr = (uintptr_t)gnt;
	/* After the vCPU exists: XEN_CONFIG attaches existing vCPUs. */
	t_config = now_ns();
	check(ioctl(vm, HXEN_XEN_CONFIG, &cfg) == 0, "HXEN_XEN_CONFIG");
	check(ioctl(vm, HXEN_XEN_CONFIG, &cfg) < 0 && errno == EEXIST, "second XEN_CONFIG: EEXIST");
	setup_guest();
	flat_sregs(false);
	check(hcall(XEN_HC_xen_version, XENVER_version, 0, 0) == 0x4000f,
	      "32-bit guest, paging off: xen_version through EBX/ECX/EDX");
	flat_sregs(true);

	test_cpuid();
	test_small_hcalls();
	test_shared_info(t_config);
	test_params(vm);
	test_timer();
	test_monitor_ports(vm);
	test_grant(gnt);
	test_hcall_page();
	test_vcpu_info();
	test_poll();
	test_poll_kick(vm);
	test_second_vcpu(vm);
	test_shutdown();

	printf("1..%d\n", ncase);
	close(vcpu);
	close(vm);
	close(dev);
	return nbad ? 1 : 0;
}
