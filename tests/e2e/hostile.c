// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-hostile: throw bad arguments at /dev/hxen.
 *
 * Runs inside the emulated host (tests/e2e/scenarios/40-hostile.sh).  Each
 * case prints one TAP line.  A case either MUST fail (the ioctl/mmap
 * returns an error) or MAY do either as long as the outcome is defined
 * (the point is that the host kernel survives: the harness checks its log
 * for Oops/BUG/WARNING afterwards).  Exit status 1 when any case that must
 * fail succeeded, or when a required step did not work.
 *
 * Linked statically (only libc), so it runs in any initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hxen/hxen.h>

#define PAGE		4096UL
#define KERNEL_TEXT	0xffffffff81000000ULL	/* x86_64 kernel text */
#define KERNEL_DIRECT	0xffff888000000000ULL	/* direct map */
#define NON_CANONICAL	0x8000000000000000ULL

static int ncase, nbad;
static volatile sig_atomic_t alarmed;
static int kmsg_fd = -1;

/*
 * HXEN_HOSTILE_TRACE=1: note each finished case in the kernel log too.
 * printk reaches the serial console at once, while our stdout may still
 * sit in the tty buffer when a case hangs the host: the last "done" line
 * on the console then names the case before the culprit.
 */
static void trace_done(void)
{
	char buf[48];
	int n;

	if (kmsg_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "<3>hxen-hostile: done case %d\n", ncase);
	if (write(kmsg_fd, buf, n) < 0)
		kmsg_fd = -1;
}

static void tap(int ok, const char *fmt, va_list ap, const char *tail)
{
	printf("%sok %d - ", ok ? "" : "not ", ++ncase);
	vprintf(fmt, ap);
	printf(": %s\n", tail);
	fflush(stdout);
	trace_done();
}

/* @ret < 0 (errno set) is what we want. */
static void must_fail(long ret, const char *fmt, ...)
{
	char buf[96];
	va_list ap;

	va_start(ap, fmt);
	if (ret < 0) {
		tap(1, fmt, ap, strerror(errno));
	} else {
		snprintf(buf, sizeof(buf), "unexpectedly succeeded (returned %ld)", ret);
		tap(0, fmt, ap, buf);
		nbad++;
	}
	va_end(ap);
}

/* Either outcome is acceptable; reaching the next line is the test. */
static void may_fail(long ret, const char *fmt, ...)
{
	char buf[96];
	va_list ap;

	va_start(ap, fmt);
	if (ret < 0)
		snprintf(buf, sizeof(buf), "failed (%s), allowed", strerror(errno));
	else
		snprintf(buf, sizeof(buf), "returned %ld, allowed", ret);
	tap(1, fmt, ap, buf);
	va_end(ap);
}

/* Any other condition. */
static void expect(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap(ok, fmt, ap, ok ? "as expected" : "WRONG");
	va_end(ap);
	if (!ok)
		nbad++;
}

/* A step the following cases depend on. */
static long must_work(long ret, const char *what)
{
	if (ret < 0) {
		printf("not ok %d - %s: %s\n", ++ncase, what, strerror(errno));
		printf("1..%d\n", ncase);
		printf("hxen-hostile: cannot continue without '%s'\n", what);
		exit(1);
	}
	return ret;
}

static void on_alarm(int sig)
{
	alarmed = 1;
}

/* An address that was mapped once and is not any more. */
static uint64_t unmapped_addr(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	must_work(p == MAP_FAILED ? -1 : 0, "mmap a scratch page");
	munmap(p, PAGE);
	return (uint64_t)(uintptr_t)p;
}

static void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	must_work(p == MAP_FAILED ? -1 : 0, "mmap anonymous memory");
	return p;
}

static const uint64_t bad_ptrs[] = { 0, KERNEL_TEXT, KERNEL_DIRECT, NON_CANONICAL, 0 };
static const char *const bad_ptr_names[] = { "NULL", "kernel text", "kernel direct map",
					     "non-canonical", "unmapped" };
#define NBAD_PTRS (sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))

static uint64_t bad_ptr(unsigned int i)
{
	return i == NBAD_PTRS - 1 ? unmapped_addr() : bad_ptrs[i];
}

/* ------------------------------------------------------------------ */

struct known_ioctl {
	unsigned long cmd;
	const char *name;
	char fd;		/* 'd' /dev/hxen, 'm' VM fd, 'c' vCPU fd */
};

#define K(c, f) { c, #c, f }
static const struct known_ioctl known[] = {
	K(HXEN_GET_VERSION, 'd'), K(HXEN_GET_CAPS, 'd'), K(HXEN_CREATE_VM, 'd'),
	K(HXEN_SET_MEMORY_SLOT, 'm'), K(HXEN_CREATE_VCPU, 'm'),
	K(HXEN_GET_DIRTY_LOG, 'm'), K(HXEN_XEN_CONFIG, 'm'),
	K(HXEN_XEN_GET_PARAM, 'm'), K(HXEN_XEN_SET_PARAM, 'm'),
	K(HXEN_EVTCHN_BIND, 'm'), K(HXEN_EVTCHN_UNBIND, 'm'),
	K(HXEN_RUN, 'c'), K(HXEN_GET_REGS, 'c'), K(HXEN_SET_REGS, 'c'),
	K(HXEN_GET_SREGS, 'c'), K(HXEN_SET_SREGS, 'c'), K(HXEN_GET_MSRS, 'c'),
	K(HXEN_SET_MSRS, 'c'), K(HXEN_GET_FPU, 'c'), K(HXEN_SET_FPU, 'c'),
	K(HXEN_INTERRUPT, 'c'), K(HXEN_KICK, 'c'),
	K(HXEN_GET_VCPU_STATE, 'c'), K(HXEN_SET_VCPU_STATE, 'c'),
	K(HXEN_GET_TSC, 'm'), K(HXEN_SET_TSC, 'm'),
	K(HXEN_XEN_GET_STATE, 'm'), K(HXEN_XEN_SET_STATE, 'm'),
	K(HXEN_XEN_GET_VCPU_STATE, 'c'), K(HXEN_XEN_SET_VCPU_STATE, 'c'),
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

/* A zeroed buffer big enough for any argument, so only the number is wrong. */
static union {
	struct hxen_fpu fpu;
	unsigned char bytes[_IOC_SIZEMASK + 64];
} argbuf;

static int fd_of(char kind, int dev, int vm, int vcpu)
{
	return kind == 'd' ? dev : kind == 'm' ? vm : vcpu;
}

static const char *fd_name(char kind)
{
	return kind == 'd' ? "/dev/hxen" : kind == 'm' ? "VM fd" : "vCPU fd";
}

static int is_known(int kind_fd_nr, char kind)
{
	for (unsigned int i = 0; i < NKNOWN; i++)
		if (_IOC_NR(known[i].cmd) == (unsigned int)kind_fd_nr && known[i].fd == kind)
			return 1;
	return 0;
}

/* Close whatever fd a wrongly successful creation returned. */
static long closing(long ret)
{
	if (ret > 2)
		close((int)ret);
	return ret;
}

static void wrong_numbers(int dev, int vm, int vcpu)
{
	static const char kinds[] = { 'd', 'm', 'c' };

	for (unsigned int i = 0; i < NKNOWN; i++) {
		unsigned long c = known[i].cmd;
		unsigned int sz = _IOC_SIZE(c), dir = _IOC_DIR(c), nr = _IOC_NR(c);
		int fd = fd_of(known[i].fd, dev, vm, vcpu);
		unsigned int sizes[3] = { sz + 8, sz ? sz - 1 : 4096, 0 };

		for (unsigned int s = 0; s < (sz ? 3U : 2U); s++) {
			unsigned long bad = _IOC(dir, HXEN_IOC, nr, sizes[s]);

			memset(&argbuf, 0, sizeof(argbuf));
			must_fail(closing(ioctl(fd, bad, &argbuf)),
				  "%s with size %u instead of %u", known[i].name, sizes[s], sz);
		}
		/* flipped direction bits */
		if (dir == _IOC_READ || dir == _IOC_WRITE) {
			unsigned long bad = _IOC(dir ^ (_IOC_READ | _IOC_WRITE), HXEN_IOC, nr, sz);

			memset(&argbuf, 0, sizeof(argbuf));
			must_fail(closing(ioctl(fd, bad, &argbuf)), "%s with direction %u instead of %u",
				  known[i].name, dir ^ (_IOC_READ | _IOC_WRITE), dir);
		}
		/* right number, wrong kind of fd */
		for (unsigned int k = 0; k < 3; k++) {
			if (kinds[k] == known[i].fd)
				continue;
			memset(&argbuf, 0, sizeof(argbuf));
			must_fail(closing(ioctl(fd_of(kinds[k], dev, vm, vcpu), c, &argbuf)),
				  "%s on the %s", known[i].name, fd_name(kinds[k]));
		}
	}

	/*
	 * Numbers nobody defined, on every kind of fd.  Inside the ranges
	 * hxen.h reserves for later ioctls only an absurd size (16383) is
	 * sure to be wrong; beyond them (0x70..0xff) any form is.
	 */
	for (unsigned int k = 0; k < 3; k++) {
		int fd = fd_of(kinds[k], dev, vm, vcpu);
		static const unsigned int unused[] = { 0x70, 0x71, 0x7f, 0x80, 0xc0, 0xfe, 0xff };

		for (unsigned int nr = 0; nr < 0x70; nr++) {
			if (is_known(nr, kinds[k]))
				continue;
			memset(&argbuf, 0, sizeof(argbuf));
			must_fail(closing(ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, HXEN_IOC, nr,
							 _IOC_SIZEMASK), &argbuf)),
				  "undefined _IOWR(0x%x, 0x%02x, 16383) on the %s", HXEN_IOC, nr,
				  fd_name(kinds[k]));
		}
		for (unsigned int i = 0; i < sizeof(unused) / sizeof(unused[0]); i++) {
			unsigned int nr = unused[i];

			memset(&argbuf, 0, sizeof(argbuf));
			must_fail(closing(ioctl(fd, _IO(HXEN_IOC, nr), 0)),
				  "undefined _IO(0x%x, 0x%02x) on the %s", HXEN_IOC, nr, fd_name(kinds[k]));
			must_fail(closing(ioctl(fd, _IOWR(HXEN_IOC, nr, __u64), &argbuf)),
				  "undefined _IOWR(0x%x, 0x%02x, 8) on the %s", HXEN_IOC, nr,
				  fd_name(kinds[k]));
		}
		must_fail(ioctl(fd, _IO(0xAE, 0x00), 0), "KVM_GET_API_VERSION on the %s",
			  fd_name(kinds[k]));
		must_fail(ioctl(fd, TCGETS, &argbuf), "TCGETS on the %s", fd_name(kinds[k]));
	}
}

/* Each pointer-taking ioctl with every kind of bad pointer. */
static void bad_pointers(int dev, int vm, int vcpu)
{
	void *ro = map_anon(PAGE * 2, PROT_READ);

	for (unsigned int i = 0; i < NKNOWN; i++) {
		int fd = fd_of(known[i].fd, dev, vm, vcpu);

		if (!_IOC_SIZE(known[i].cmd))
			continue;
		for (unsigned int b = 0; b < NBAD_PTRS; b++)
			must_fail(closing(ioctl(fd, known[i].cmd, (void *)(uintptr_t)bad_ptr(b))),
				  "%s with a %s argument", known[i].name, bad_ptr_names[b]);
		/* read-only memory where the module must write back */
		if (_IOC_DIR(known[i].cmd) & _IOC_READ)
			must_fail(closing(ioctl(fd, known[i].cmd, ro)),
				  "%s into read-only memory", known[i].name);
	}
	munmap(ro, PAGE * 2);
}

/* ------------------------------------------------------------------ */

static int set_slot(int vm, __u32 slot, __u32 flags, __u64 gpa, __u64 size, __u64 uaddr)
{
	struct hxen_memory_slot s = {
		.slot = slot, .flags = flags, .gpa = gpa, .size = size, .uaddr = uaddr,
	};

	return ioctl(vm, HXEN_SET_MEMORY_SLOT, &s);
}

static void slots(int vm, const struct hxen_caps *caps, uint8_t *mem)
{
	uint64_t m = (uint64_t)(uintptr_t)mem, hole;
	uint8_t *half, *ro, *none;

	must_fail(set_slot(vm, 0, 0, 0x1001, PAGE, m), "slot with unaligned gpa");
	must_fail(set_slot(vm, 0, 0, 0, PAGE + 1, m), "slot with unaligned size");
	must_fail(set_slot(vm, 0, 0, 0, PAGE, m + 1), "slot with unaligned uaddr");
	must_fail(set_slot(vm, 0, 0, ~0ULL & ~(PAGE - 1), 2 * PAGE, m),
		  "slot whose gpa + size wraps around");
	must_fail(set_slot(vm, 0, 0, caps->max_gpa - PAGE, 2 * PAGE, m),
		  "slot ending beyond max_gpa 0x%llx", (unsigned long long)caps->max_gpa);
	must_fail(set_slot(vm, 0, 0, caps->max_gpa, PAGE, m), "slot starting at max_gpa");
	must_fail(set_slot(vm, 0, 0, 0, 1ULL << 62, m), "slot of 2^62 bytes");
	must_fail(set_slot(vm, 0, 0, 0, 2 * PAGE, ~0ULL & ~(PAGE - 1)),
		  "slot whose uaddr + size wraps around");
	for (unsigned int b = 0; b < NBAD_PTRS; b++)
		must_fail(set_slot(vm, 0, 0, 0, PAGE, bad_ptr(b)), "slot with %s uaddr",
			  bad_ptr_names[b]);
	must_fail(set_slot(vm, caps->max_slots, 0, 0, PAGE, m), "slot index max_slots (%u)",
		  caps->max_slots);
	must_fail(set_slot(vm, ~0U, 0, 0, PAGE, m), "slot index 0xffffffff");
	must_fail(set_slot(vm, 0, 0x80000000U, 0, PAGE, m), "slot with unknown flag bit 31");

	/* partly unmapped: the second page is gone */
	half = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	munmap(half + PAGE, PAGE);
	must_fail(set_slot(vm, 3, 0, 0x400000, 2 * PAGE, (uint64_t)(uintptr_t)half),
		  "slot whose second page is unmapped");
	munmap(half, PAGE);

	ro = map_anon(PAGE, PROT_READ);
	must_fail(set_slot(vm, 3, 0, 0x400000, PAGE, (uint64_t)(uintptr_t)ro),
		  "writable slot over read-only memory");
	may_fail(set_slot(vm, 3, HXEN_MEM_READONLY, 0x400000, PAGE, (uint64_t)(uintptr_t)ro),
		 "READONLY slot over read-only memory");
	may_fail(set_slot(vm, 3, 0, 0x400000, 0, 0), "remove that slot");
	munmap(ro, PAGE);

	none = map_anon(PAGE, PROT_NONE);
	must_fail(set_slot(vm, 3, 0, 0x400000, PAGE, (uint64_t)(uintptr_t)none),
		  "slot over PROT_NONE memory");
	munmap(none, PAGE);

	/* a real slot, then overlaps with it */
	must_work(set_slot(vm, 0, 0, 0, 0x100000, m), "slot 0: 1 MiB at gpa 0");
	must_fail(set_slot(vm, 1, 0, 0x80000, 0x100000, m + 0x100000),
		  "slot 1 overlapping slot 0");
	must_fail(set_slot(vm, 1, 0, 0xff000, PAGE, m + 0x100000),
		  "slot 1 overlapping slot 0's last page");
	may_fail(set_slot(vm, 1, 0, 0x200000, 0x100000, m),
		 "slot 1 aliasing slot 0's memory at another gpa");
	may_fail(set_slot(vm, 1, 0, 0x200000, 0, 0), "remove slot 1");
	may_fail(set_slot(vm, 9, 0, 0, 0, 0), "remove slot 9 that never existed");
	may_fail(set_slot(vm, 0, 0, 0x300000, 0x100000, m), "re-add slot 0 at another gpa");
	may_fail(set_slot(vm, 0, 0, 0, 0x100000, m), "slot 0 back at gpa 0");
	/* HLT at the reset vector: runs below end quickly */
	{
		uint8_t *top = map_anon(PAGE, PROT_READ | PROT_WRITE);

		memset(top, 0xf4, PAGE);
		may_fail(set_slot(vm, 7, 0, 0xfffff000, PAGE, (uint64_t)(uintptr_t)top),
			 "slot 7: HLT page at the reset vector");
	}

	/* dirty log */
	{
		struct hxen_dirty_log dl = { .slot = 99 };
		uint64_t bm[4];

		dl.bitmap_uaddr = (uint64_t)(uintptr_t)bm;
		must_fail(ioctl(vm, HXEN_GET_DIRTY_LOG, &dl), "dirty log of slot 99 (absent)");
		dl.slot = 0;
		may_fail(ioctl(vm, HXEN_GET_DIRTY_LOG, &dl), "dirty log of a slot without DIRTY_LOG");
		if (set_slot(vm, 2, HXEN_MEM_DIRTY_LOG, 0x1000000, 4 * PAGE,
			     m + 0x180000) == 0) {
			for (unsigned int b = 0; b < NBAD_PTRS; b++) {
				dl.slot = 2;
				dl.bitmap_uaddr = bad_ptr(b);
				must_fail(ioctl(vm, HXEN_GET_DIRTY_LOG, &dl),
					  "dirty log into a %s bitmap", bad_ptr_names[b]);
			}
		}
	}

	/* registered memory goes away under the module (it keeps its pin) */
	hole = (uint64_t)(uintptr_t)map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	may_fail(set_slot(vm, 4, 0, 0x2000000, 2 * PAGE, hole), "slot 4 over scratch memory");
	may_fail(munmap((void *)(uintptr_t)hole, 2 * PAGE), "munmap slot 4's memory");
}

/* ------------------------------------------------------------------ */

static int create_vcpu(int vm, __u32 id, __u32 flags)
{
	struct hxen_create_vcpu c = { .id = id, .flags = flags };

	return ioctl(vm, HXEN_CREATE_VCPU, &c);
}

/*
 * HXEN_RUN bounded by an alarm; returns ioctl's result.  Not scaled for
 * slow emulators: Bochs' clock is virtual (it follows the instruction
 * count), so a longer alarm only costs wall time there.
 */
static long run_bounded(int vcpu, unsigned int seconds)
{
	long r;

	alarmed = 0;
	alarm(seconds);
	r = ioctl(vcpu, HXEN_RUN, 0);
	alarm(0);
	return r;
}

/* A defined exit: an error, or a reason the ABI knows. */
static void run_defined(int vcpu, struct hxen_run *run, const char *what)
{
	long r = run_bounded(vcpu, 1);
	char buf[96];

	ncase++;
	if (r < 0 || (run && run->exit_reason > HXEN_EXIT_NONE &&
		      run->exit_reason < HXEN_EXIT_MAX) || !run) {
		if (r < 0)
			snprintf(buf, sizeof(buf), "%s%s", strerror(errno),
				 alarmed ? " (after SIGALRM)" : "");
		else if (run)
			snprintf(buf, sizeof(buf), "exit reason %u", run->exit_reason);
		else
			snprintf(buf, sizeof(buf), "returned %ld (run page not mapped)", r);
		printf("ok %d - %s: %s\n", ncase, what, buf);
	} else {
		printf("not ok %d - %s: returned %ld with undefined exit reason %u\n",
		       ncase, what, r, run->exit_reason);
		nbad++;
	}
	fflush(stdout);
	trace_done();
}

static void vcpus(int vm, const struct hxen_caps *caps, int *vcpu_out, struct hxen_run **run_out)
{
	int vcpu;
	void *p;

	must_fail(closing(create_vcpu(vm, caps->max_vcpus, 0)), "vCPU id max_vcpus (%u)",
		  caps->max_vcpus);
	must_fail(closing(create_vcpu(vm, ~0U, 0)), "vCPU id 0xffffffff");
	must_fail(closing(create_vcpu(vm, 0, 1)), "vCPU with flags 1");
	vcpu = must_work(create_vcpu(vm, 0, 0), "vCPU 0");
	must_fail(closing(create_vcpu(vm, 0, 0)), "vCPU 0 again (duplicate id)");

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, PAGE);
	must_fail(p == MAP_FAILED ? -1 : 0, "mmap of the vCPU fd at offset 4096");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	must_fail(p == MAP_FAILED ? -1 : 0, "mmap of 8 KiB of the vCPU fd");
	if (p != MAP_FAILED)
		munmap(p, 2 * PAGE);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, ~0UL & ~(PAGE - 1));
	must_fail(p == MAP_FAILED ? -1 : 0, "mmap of the vCPU fd at offset 2^64 - 4096");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, vcpu, 0);
	may_fail(p == MAP_FAILED ? -1 : 0, "MAP_PRIVATE mmap of the run page");
	if (p != MAP_FAILED) {
		may_fail(((volatile uint8_t *)p)[0], "read the private run page");
		munmap(p, PAGE);
	}
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vm, 0);
	must_fail(p == MAP_FAILED ? -1 : 0, "mmap of the VM fd");
	if (p != MAP_FAILED)
		munmap(p, PAGE);

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	must_work(p == MAP_FAILED ? -1 : 0, "mmap of the run page");
	/* map it twice and drop one mapping: the other must stay valid */
	{
		void *q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, vcpu, 0);

		may_fail(q == MAP_FAILED ? -1 : 0, "second mapping of the run page");
		if (q != MAP_FAILED)
			munmap(q, PAGE);
	}
	*vcpu_out = vcpu;
	*run_out = p;
}

static void msrs(int vcpu, struct hxen_run *run)
{
	static const struct { __u32 index; __u64 data; const char *name; } evil[] = {
		{ 0xc0000080, ~0ULL, "EFER all ones" },
		{ 0xc0000080, 1ULL << 12, "EFER.SVME" },
		{ 0x00000277, ~0ULL, "PAT with invalid memory types" },
		{ 0xc0000102, NON_CANONICAL, "KERNEL_GS_BASE non-canonical" },
		{ 0xc0000100, NON_CANONICAL, "FS_BASE non-canonical" },
		{ 0xc0000082, NON_CANONICAL, "LSTAR non-canonical" },
		{ 0x00000174, ~0ULL, "SYSENTER_CS all ones" },
		{ 0x000001d9, ~0ULL, "DEBUGCTL all ones" },
		{ 0x00000048, ~0ULL, "SPEC_CTRL all ones" },
		{ 0x00000049, 1, "PRED_CMD" },
		{ 0x0000010b, ~0ULL, "FLUSH_CMD all ones" },
		{ 0x00000079, KERNEL_DIRECT, "microcode update trigger" },
		{ 0x0000003a, 0, "FEATURE_CONTROL" },
		{ 0x00000480, 0, "VMX_BASIC" },
		{ 0xc0010117, KERNEL_DIRECT, "VM_HSAVE_PA" },
		{ 0xc0010114, ~0ULL, "VM_CR" },
		{ 0x0000001b, ~0ULL, "APIC_BASE all ones" },
		{ 0x000006e0, ~0ULL, "TSC_DEADLINE all ones" },
		{ 0x00000010, ~0ULL, "TSC all ones" },
		{ 0xc0000103, ~0ULL, "TSC_AUX all ones" },
		{ 0x000001a0, ~0ULL, "MISC_ENABLE all ones" },
		{ 0x00000da0, ~0ULL, "XSS all ones" },
		{ 0x40000000, KERNEL_DIRECT, "Xen hypercall page MSR at a kernel address" },
		{ 0xdeadbeef, 0, "unknown MSR 0xdeadbeef" },
	};
	struct hxen_msr_entry *e = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	struct hxen_msrs m;

	m.reserved = 0;
	m.nmsrs = HXEN_MAX_MSRS + 1;
	m.entries_uaddr = (uint64_t)(uintptr_t)e;
	must_fail(ioctl(vcpu, HXEN_GET_MSRS, &m), "GET_MSRS of HXEN_MAX_MSRS + 1 entries");
	must_fail(ioctl(vcpu, HXEN_SET_MSRS, &m), "SET_MSRS of HXEN_MAX_MSRS + 1 entries");
	m.nmsrs = ~0U;
	must_fail(ioctl(vcpu, HXEN_GET_MSRS, &m), "GET_MSRS of 2^32 - 1 entries");
	must_fail(ioctl(vcpu, HXEN_SET_MSRS, &m), "SET_MSRS of 2^32 - 1 entries");
	for (unsigned int b = 0; b < NBAD_PTRS; b++) {
		m.nmsrs = 1;
		m.entries_uaddr = bad_ptr(b);
		must_fail(ioctl(vcpu, HXEN_GET_MSRS, &m), "GET_MSRS with %s entries",
			  bad_ptr_names[b]);
		m.entries_uaddr = bad_ptr(b);
		must_fail(ioctl(vcpu, HXEN_SET_MSRS, &m), "SET_MSRS with %s entries",
			  bad_ptr_names[b]);
	}
	/* the second entry lies on an unmapped page */
	munmap((uint8_t *)e + PAGE, PAGE);
	e = (struct hxen_msr_entry *)((uint8_t *)e + PAGE) - 1;
	e->index = 0x00000277;	/* PAT: every VMM handles it */
	e->data = 0x0007040600070406ULL;
	m.nmsrs = 2;
	m.entries_uaddr = (uint64_t)(uintptr_t)e;
	{
		long r = ioctl(vcpu, HXEN_GET_MSRS, &m);

		expect(r <= 1, "GET_MSRS running into an unmapped page: error or 1 (got %ld)", r);
		r = ioctl(vcpu, HXEN_SET_MSRS, &m);
		expect(r <= 1, "SET_MSRS running into an unmapped page: error or 1 (got %ld)", r);
	}
	e->index = 0xdeadbeef;
	m.nmsrs = 1;
	{
		long r = ioctl(vcpu, HXEN_GET_MSRS, &m);

		expect(r != 1, "GET_MSRS of unknown MSR 0xdeadbeef not processed (got %ld)", r);
	}

	/* Values the host must never load as they are. */
	for (unsigned int i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		e->index = evil[i].index;
		e->reserved = 0;
		e->data = evil[i].data;
		may_fail(ioctl(vcpu, HXEN_SET_MSRS, &m), "SET_MSRS %s", evil[i].name);
		run_defined(vcpu, run, "HXEN_RUN after it");
	}
	munmap((uint8_t *)(e + 1) - PAGE, PAGE);
}

static void registers(int vcpu, struct hxen_run *run)
{
	struct hxen_regs regs;
	struct hxen_sregs sregs, saved;
	static struct hxen_fpu fpu;
	struct hxen_interrupt irq = { 0 };
	int have_sregs;

	have_sregs = ioctl(vcpu, HXEN_GET_SREGS, &saved) == 0;
	may_fail(have_sregs ? 0 : -1, "GET_SREGS");

	memset(&sregs, 0xff, sizeof(sregs));
	may_fail(ioctl(vcpu, HXEN_SET_SREGS, &sregs), "SET_SREGS all ones");
	run_defined(vcpu, run, "HXEN_RUN with all-ones segment/control state");
	memset(&sregs, 0, sizeof(sregs));
	sregs.cr0 = 0x80000001;		/* PG without PE's friends, no CR3 */
	sregs.cr4 = 1ULL << 5;		/* PAE */
	sregs.efer = (1ULL << 8) | (1ULL << 10);	/* LME, LMA with no long-mode CS */
	sregs.cr3 = 0xfffff000;
	may_fail(ioctl(vcpu, HXEN_SET_SREGS, &sregs), "SET_SREGS inconsistent long mode");
	run_defined(vcpu, run, "HXEN_RUN with inconsistent long mode");
	memset(&regs, 0xff, sizeof(regs));
	may_fail(ioctl(vcpu, HXEN_SET_REGS, &regs), "SET_REGS all ones (RFLAGS too)");
	run_defined(vcpu, run, "HXEN_RUN with all-ones registers");
	if (have_sregs) {
		/*
		 * Code in slot 4, whose memory the monitor unmapped after
		 * registering it (the module keeps its pin): a defined exit,
		 * never a host fault.
		 */
		sregs = saved;
		sregs.cs.base = 0x2000000;
		memset(&regs, 0, sizeof(regs));
		regs.rflags = 2;
		may_fail(ioctl(vcpu, HXEN_SET_SREGS, &sregs), "SET_SREGS: CS in slot 4");
		may_fail(ioctl(vcpu, HXEN_SET_REGS, &regs), "SET_REGS: RIP 0");
		run_defined(vcpu, run, "HXEN_RUN in RAM whose memory was unmapped");
		may_fail(ioctl(vcpu, HXEN_SET_SREGS, &saved), "restore SREGS");
	}

	memset(&fpu, 0xff, sizeof(fpu));
	may_fail(ioctl(vcpu, HXEN_SET_FPU, &fpu), "SET_FPU all ones (bad XSAVE header)");
	run_defined(vcpu, run, "HXEN_RUN after it");
	memset(&fpu, 0, sizeof(fpu));
	fpu.xcr0 = ~0ULL;
	may_fail(ioctl(vcpu, HXEN_SET_FPU, &fpu), "SET_FPU with XCR0 all ones");
	run_defined(vcpu, run, "HXEN_RUN after it");
	fpu.xcr0 = 0;	/* x87 bit clear: invalid */
	may_fail(ioctl(vcpu, HXEN_SET_FPU, &fpu), "SET_FPU with XCR0 0");
	fpu.xcr0 = 3;
	fpu.size = ~0U;
	may_fail(ioctl(vcpu, HXEN_SET_FPU, &fpu), "SET_FPU with size 2^32 - 1");
	run_defined(vcpu, run, "HXEN_RUN after it");

	static const __u32 bad_vectors[] = { 0, 2, 8, 14, 31, 256, 0x10020, ~0U };

	for (unsigned int i = 0; i < sizeof(bad_vectors) / sizeof(bad_vectors[0]); i++) {
		irq.vector = bad_vectors[i];
		must_fail(ioctl(vcpu, HXEN_INTERRUPT, &irq), "HXEN_INTERRUPT vector %u",
			  bad_vectors[i]);
	}
	irq.vector = 32;
	irq.flags = 1;
	must_fail(ioctl(vcpu, HXEN_INTERRUPT, &irq), "HXEN_INTERRUPT with flags 1");
	irq.flags = 0;
	irq.vector = 255;
	may_fail(ioctl(vcpu, HXEN_INTERRUPT, &irq), "HXEN_INTERRUPT vector 255");
	run_defined(vcpu, run, "HXEN_RUN with a vector queued and no IDT");
	may_fail(ioctl(vcpu, HXEN_KICK, 0), "HXEN_KICK while not running");
	run_defined(vcpu, run, "HXEN_RUN after a KICK");
}

static void xen(int vm, uint8_t *mem)
{
	struct hxen_xen_config cfg;
	struct hxen_xen_param par = { 0 };
	struct hxen_evtchn_bind bind = { 0 };
	struct hxen_evtchn_unbind unbind = { 0 };
	int devnull = open("/dev/null", O_RDWR);
	uint8_t *gt;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = 1;
	cfg.domid = 1;
	cfg.max_grant_frames = 1;
	cfg.gnttab_uaddr = (uint64_t)(uintptr_t)mem;
	must_fail(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG with flags 1");
	cfg.flags = 0;
	cfg.max_grant_frames = 65;
	must_fail(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG with 65 grant frames");
	cfg.max_grant_frames = ~0U;
	must_fail(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG with 2^32 - 1 grant frames");
	cfg.max_grant_frames = 4;
	for (unsigned int b = 0; b < NBAD_PTRS; b++) {
		cfg.gnttab_uaddr = bad_ptr(b);
		must_fail(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG with %s grant table",
			  bad_ptr_names[b]);
	}
	cfg.gnttab_uaddr = (uint64_t)(uintptr_t)mem + 1;
	must_fail(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG with unaligned grant table");
	/* Grant frames are mapped on demand: the range must be mapped writable now. */
	gt = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (gt != MAP_FAILED) {
		cfg.gnttab_uaddr = (uint64_t)(uintptr_t)gt;
		must_fail(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG with a read-only grant table");
		munmap(gt + 2 * PAGE, PAGE);
		mprotect(gt, 2 * PAGE, PROT_READ | PROT_WRITE);
		mprotect(gt + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE);
		must_fail(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG with a hole in the grant table");
		munmap(gt, 4 * PAGE);
	}

	par.index = ~0U;
	must_fail(ioctl(vm, HXEN_XEN_GET_PARAM, &par), "XEN_GET_PARAM index 2^32 - 1");
	must_fail(ioctl(vm, HXEN_XEN_SET_PARAM, &par), "XEN_SET_PARAM index 2^32 - 1");

	bind.port = 0;
	bind.flags = HXEN_EVTCHN_ALLOC;
	bind.notify_fd = 9999;
	bind.kick_fd = -1;
	must_fail(ioctl(vm, HXEN_EVTCHN_BIND, &bind), "EVTCHN_BIND with notify_fd 9999");
	bind.notify_fd = devnull;
	must_fail(ioctl(vm, HXEN_EVTCHN_BIND, &bind), "EVTCHN_BIND with /dev/null as eventfd");
	bind.notify_fd = -1;
	bind.kick_fd = devnull;
	must_fail(ioctl(vm, HXEN_EVTCHN_BIND, &bind), "EVTCHN_BIND with /dev/null as kick fd");
	bind.kick_fd = -1;
	bind.flags = 0x80000000U;
	must_fail(ioctl(vm, HXEN_EVTCHN_BIND, &bind), "EVTCHN_BIND with unknown flag bit 31");
	bind.flags = 0;
	bind.port = ~0U;
	must_fail(ioctl(vm, HXEN_EVTCHN_BIND, &bind), "EVTCHN_BIND of port 2^32 - 1");
	unbind.port = ~0U;
	must_fail(ioctl(vm, HXEN_EVTCHN_UNBIND, &unbind), "EVTCHN_UNBIND of port 2^32 - 1");
	unbind.port = 7;
	must_fail(ioctl(vm, HXEN_EVTCHN_UNBIND, &unbind), "EVTCHN_UNBIND of unbound port 7");
	if (devnull >= 0)
		close(devnull);
}

/* ------------------------------------------------------------------ */
/* Save/restore state: refused unless the module could have made it    */
/* ------------------------------------------------------------------ */

static void vcpu_state(int vm, int vcpu, struct hxen_run *run)
{
	struct hxen_vcpu_state st, good;
	struct hxen_tsc tsc;

	if (must_work(ioctl(vcpu, HXEN_GET_VCPU_STATE, &good), "GET_VCPU_STATE") < 0)
		return;
	expect(good.version == HXEN_STATE_VERSION, "GET_VCPU_STATE version %u", good.version);
#define BAD(w, stmt) do { st = good; stmt; \
	must_fail(ioctl(vcpu, HXEN_SET_VCPU_STATE, &st), "SET_VCPU_STATE with %s", w); } while (0)
	BAD("version 2", st.version = 2);
	BAD("flags 1", st.flags = 1);
	BAD("an NMI in flight",
	    (st.event_valid = 1, st.event_type = HXEN_EVENT_NMI, st.event_vector = 2));
	BAD("NMI blocking", st.nmi_masked = 1);
	BAD("a pending NMI", st.nmi_pending = 1);
	BAD("exception 8 without its error code",
	    (st.event_valid = 1, st.event_type = HXEN_EVENT_EXCEPTION, st.event_vector = 8,
	     st.event_has_error = 0, st.event_error = 0));
	BAD("exception 6 with an error code",
	    (st.event_valid = 1, st.event_type = HXEN_EVENT_EXCEPTION, st.event_vector = 6, st.event_has_error = 1));
	BAD("exception 40",
	    (st.event_valid = 1, st.event_type = HXEN_EVENT_EXCEPTION, st.event_vector = 40));
	BAD("a software interrupt event",
	    (st.event_valid = 1, st.event_type = 4, st.event_vector = 0x80));
	BAD("an invalid event with a vector", st.event_vector = 0x33);
	BAD("interrupt vector 3 queued", st.irq_pending[0] = 1 << 3);
	BAD("int_shadow 2", st.int_shadow = 2);
	BAD("mp_state 7", st.mp_state = 7);
	BAD("SIPI vector 300", st.sipi_vector = 300);
	BAD("DR0 non-canonical", st.dr[0] = 0x8000000000000000ULL >> 1);
	BAD("DR7 high bits", st.dr7 |= 1ULL << 40);
	BAD("DR7 without its fixed bit", st.dr7 = 0);
	BAD("DR6 bit 12", st.dr6 |= 0x1000);
	BAD("another LAPIC ID", st.lapic[2] ^= 0x5000000);
	BAD("a LAPIC ISR bit", st.lapic[0x100 >> 4] = 1);
	BAD("reserved word set", st.reserved[7] = 1);
#undef BAD

	must_work(ioctl(vcpu, HXEN_SET_VCPU_STATE, &good), "SET_VCPU_STATE of what GET gave");
	run_defined(vcpu, run, "HXEN_RUN after SET_VCPU_STATE");

	must_work(ioctl(vm, HXEN_GET_TSC, &tsc), "GET_TSC");
	tsc.reserved = 1;
	must_fail(ioctl(vm, HXEN_SET_TSC, &tsc), "SET_TSC with a reserved field set");
	tsc.reserved = 0;
	must_work(ioctl(vm, HXEN_SET_TSC, &tsc), "SET_TSC of what GET gave");
	must_fail(ioctl(vcpu, HXEN_XEN_GET_VCPU_STATE, &argbuf), "XEN_GET_VCPU_STATE without Xen");
}

static void xen_state(int dev)
{
	struct hxen_create_vm cvm = { 0 };
	struct hxen_xen_config cfg = { .domid = 1, .max_grant_frames = 2 };
	static struct hxen_xen_state good, st;
	struct hxen_xen_state_io io = { (uint64_t)(uintptr_t)&st, sizeof(st), 0 };
	struct hxen_xen_vcpu_state xv, xgood;
	uint8_t *mem;
	int vm, vcpu = -1;

	mem = map_anon(0x200000, PROT_READ | PROT_WRITE);
	vm = must_work(ioctl(dev, HXEN_CREATE_VM, &cvm), "CREATE_VM for the Xen state");
	if (vm < 0)
		return;
	must_work(set_slot(vm, 0, 0, 0, 0x100000, (uint64_t)(uintptr_t)mem), "1 MiB slot");
	cfg.gnttab_uaddr = (uint64_t)(uintptr_t)(mem + 0x100000);
	vcpu = must_work(create_vcpu(vm, 0, 0), "CREATE_VCPU for the Xen state");
	if (must_work(ioctl(vm, HXEN_XEN_CONFIG, &cfg), "XEN_CONFIG") < 0 || vcpu < 0)
		goto out;
	io.uaddr = (uint64_t)(uintptr_t)&good;
	if (must_work(ioctl(vm, HXEN_XEN_GET_STATE, &io), "XEN_GET_STATE") < 0)
		goto out;
	io.uaddr = (uint64_t)(uintptr_t)&st;
	io.size = sizeof(st) - 1;
	must_fail(ioctl(vm, HXEN_XEN_GET_STATE, &io), "XEN_GET_STATE with a short size");
	io.size = sizeof(st);
#define XBAD(w, stmt) do { st = good; stmt; \
	must_fail(ioctl(vm, HXEN_XEN_SET_STATE, &io), "XEN_SET_STATE with %s", w); } while (0)
	XBAD("version 0", st.version = 0);
	XBAD("another domid", st.domid = 7);
	XBAD("more grant frames", st.max_grant_frames = 3);
	XBAD("grant table v2", st.gnttab_version = 2);
	XBAD("port 0 open", st.ports[0].state = 2);
	XBAD("a pirq port", st.ports[9].state = 3);
	XBAD("a port state 200", st.ports[9].state = 200);
	XBAD("a closed port with a vCPU", st.ports[9].notify_vcpu = 1);
	XBAD("an IPI port for vCPU 5", (st.ports[9].state = 5, st.ports[9].notify_vcpu = 5));
	XBAD("a VIRQ 99 port", (st.ports[9].state = 4, st.ports[9].virq = 99));
	XBAD("shared_info outside RAM", st.shinfo_gfn = 0x12345);
	XBAD("a grant frame in RAM", (st.grant_gfn[0] = 5, st.nr_grant_frames = 1));
	XBAD("two grant frames at one gfn", (st.grant_gfn[0] = st.grant_gfn[1] = 0x400,
					     st.nr_grant_frames = 2));
	XBAD("grant frame 5 of 2", (st.grant_gfn[5] = 0x400, st.nr_grant_frames = 6));
	XBAD("a GSI callback", st.params[0] = 1);
	XBAD("a reserved word", st.reserved[3] = 1);
#undef XBAD
	st = good;
	st.grant_gfn[1] = 0x500;
	st.nr_grant_frames = 2;
	must_work(ioctl(vm, HXEN_XEN_SET_STATE, &io), "XEN_SET_STATE with grant frame 1 mapped");
	io.uaddr = (uint64_t)(uintptr_t)&good;
	must_work(ioctl(vm, HXEN_XEN_SET_STATE, &io), "XEN_SET_STATE of what GET gave");

	if (must_work(ioctl(vcpu, HXEN_XEN_GET_VCPU_STATE, &xgood), "XEN_GET_VCPU_STATE") < 0)
		goto out;
#define VBAD(w, stmt) do { xv = xgood; stmt; \
	must_fail(ioctl(vcpu, HXEN_XEN_SET_VCPU_STATE, &xv), "XEN_SET_VCPU_STATE with %s", w); } while (0)
	VBAD("version 9", xv.version = 9);
	VBAD("a VIRQ on a closed port", xv.virq_port[0] = 9);
	VBAD("a VIRQ on port 5000", xv.virq_port[0] = 5000);
	VBAD("vcpu_info unaligned", xv.vcpu_info_gpa = 0x1003);
	VBAD("vcpu_info across a page", xv.vcpu_info_gpa = 0x1ff8);
	VBAD("vcpu_info outside RAM", xv.vcpu_info_gpa = 0x40000000);
	VBAD("a time area outside RAM", xv.time_area_gpa = 0x40000000);
	VBAD("a disarmed timer with a deadline", (xv.timer_armed = 0, xv.timer_deadline = 5));
	VBAD("timer_armed 2", xv.timer_armed = 2);
#undef VBAD
	xv = xgood;
	xv.vcpu_info_gpa = 0x2000;
	xv.timer_armed = 1;
	xv.timer_deadline = 1;
	must_work(ioctl(vcpu, HXEN_XEN_SET_VCPU_STATE, &xv), "XEN_SET_VCPU_STATE with vcpu_info, timer");
	must_work(ioctl(vcpu, HXEN_XEN_SET_VCPU_STATE, &xgood), "XEN_SET_VCPU_STATE of what GET gave");
out:
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
	munmap(mem, 0x200000);
}

/* ------------------------------------------------------------------ */

struct kicker {
	int vcpu;
	unsigned int delay_ms;
};

static void *kick_later(void *arg)
{
	struct kicker *k = arg;

	usleep(k->delay_ms * 1000);
	ioctl(k->vcpu, HXEN_KICK, 0);
	return NULL;
}

/*
 * A real-mode guest spinning on "jmp $" at 0x1000: HXEN_RUN must come back
 * on KICK from another thread and on a (caught) signal, with a defined exit.
 */
static void spinning(int dev, uint8_t *mem)
{
	struct hxen_create_vm cvm = { 0 };
	struct hxen_sregs s;
	struct hxen_regs r = { 0 };
	struct hxen_run *run;
	pthread_t t;
	struct kicker k;
	int vm, vcpu;
	long ret;

	vm = must_work(ioctl(dev, HXEN_CREATE_VM, &cvm), "CREATE_VM for the spinning guest");
	memset(mem, 0xf4, 0x100000);
	if (set_slot(vm, 0, 0, 0, 0x100000, (uint64_t)(uintptr_t)mem) < 0) {
		may_fail(-1, "slot for the spinning guest");
		close(vm);
		return;
	}
	vcpu = create_vcpu(vm, 0, 0);
	may_fail(vcpu, "vCPU for the spinning guest");
	if (vcpu < 0) {
		close(vm);
		return;
	}
	run = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		run = NULL;
	mem[0x1000] = 0xeb;	/* jmp $ */
	mem[0x1001] = 0xfe;
	if (ioctl(vcpu, HXEN_GET_SREGS, &s) == 0) {
		s.cs.base = 0;
		s.cs.selector = 0;
		may_fail(ioctl(vcpu, HXEN_SET_SREGS, &s), "SET_SREGS: CS base 0");
	}
	r.rip = 0x1000;
	r.rflags = 2;
	may_fail(ioctl(vcpu, HXEN_SET_REGS, &r), "SET_REGS: RIP 0x1000");

	k.vcpu = vcpu;
	k.delay_ms = 300;
	must_work(pthread_create(&t, NULL, kick_later, &k) ? -1 : 0, "start the kicker thread");
	ret = run_bounded(vcpu, 3);
	expect(!alarmed && (ret < 0 || !run || run->exit_reason == HXEN_EXIT_KICKED),
	       "HXEN_RUN of a spinning guest ends on HXEN_KICK from another thread "
	       "(returned %ld, reason %u%s)", ret, run ? run->exit_reason : 0,
	       alarmed ? ", only SIGALRM ended it" : "");
	pthread_join(t, NULL);
	ret = run_bounded(vcpu, 1);
	ncase++;
	if (ret < 0 && errno == EINTR) {
		printf("ok %d - HXEN_RUN of a spinning guest returns -EINTR on SIGALRM\n", ncase);
	} else if (ret < 0) {
		printf("ok %d - HXEN_RUN of a spinning guest: %s (cannot run here)\n", ncase,
		       strerror(errno));
	} else if (run && run->exit_reason > HXEN_EXIT_NONE && run->exit_reason < HXEN_EXIT_MAX) {
		printf("ok %d - HXEN_RUN of a spinning guest: exit reason %u\n", ncase,
		       run->exit_reason);
	} else {
		printf("not ok %d - HXEN_RUN of a spinning guest returned %ld, reason %u\n",
		       ncase, ret, run ? run->exit_reason : 0);
		nbad++;
	}
	trace_done();
	/* the VM goes while this vCPU is still open and mapped */
	close(vm);
	may_fail(ioctl(vcpu, HXEN_GET_REGS, &r), "GET_REGS after the VM fd was closed");
	run_defined(vcpu, run, "HXEN_RUN after the VM fd was closed");
	may_fail(run ? ((volatile struct hxen_run *)run)->exit_reason : 0,
		 "read the run page after the VM fd was closed");
	close(vcpu);
	may_fail(run ? ((volatile struct hxen_run *)run)->exit_reason : 0,
		 "read the run page after the vCPU fd was closed too");
	if (run)
		munmap(run, PAGE);
}

/* A child process uses the parent's VM: allowed or refused, never a crash. */
static void forked(int vm)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		void *m = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct hxen_memory_slot s = {
			.slot = 5, .gpa = 0x4000000, .size = 0x10000,
			.uaddr = (uint64_t)(uintptr_t)m,
		};
		struct hxen_create_vcpu c = { .id = 2 };

		ioctl(vm, HXEN_SET_MEMORY_SLOT, &s);
		ioctl(vm, HXEN_CREATE_VCPU, &c);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	may_fail(pid < 0 ? -1 : (WIFEXITED(status) ? 0 : -1),
		 "a forked child uses the parent's VM fd, then exits");
}

/* ------------------------------------------------------------------ */
/*
 * Guest RAM is the monitor's own memory, mapped into the nested page
 * table on first touch and followed through MMU notifiers: the monitor
 * may madvise(DONTNEED), fork, mprotect or munmap it while a vCPU runs.
 * The guest then sees zero pages, or its vCPU stops with
 * HXEN_INTERNAL_FAULT; the host never oopses (the kernel-log check).
 */
struct memrun {
	int vcpu;
	struct hxen_run *run;
	volatile int stop;
	volatile int done;
	volatile unsigned int reason, suberror;
};

static void *memrun_thread(void *arg)
{
	struct memrun *r = arg;

	while (!r->stop) {
		long ret = ioctl(r->vcpu, HXEN_RUN, 0);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 || r->run->exit_reason != HXEN_EXIT_KICKED) {
			r->reason = ret < 0 ? ~0U : r->run->exit_reason;
			r->suberror = r->run->internal.suberror;
			break;
		}
	}
	r->done = 1;
	return NULL;
}

/* Start the vCPU on its thread; the guest increments byte 0x800 of every page. */
static int memrun_start(struct memrun *r, pthread_t *t)
{
	r->stop = 0;
	r->done = 0;
	r->reason = 0;
	return pthread_create(t, NULL, memrun_thread, r) ? -1 : 0;
}

static void memrun_stop(struct memrun *r, pthread_t t)
{
	r->stop = 1;
	while (!r->done) {
		ioctl(r->vcpu, HXEN_KICK, 0);
		usleep(10000);
	}
	pthread_join(t, NULL);
}

/* Does the guest still write?  Sum of its counters, twice, 200 ms apart. */
static int guest_progress(volatile uint8_t *m, size_t size)
{
	unsigned int a = 0, b = 0, i, tries;

	for (tries = 0; tries < 25; tries++) {
		a = b;
		b = 0;
		for (i = 0; i < size; i += PAGE)
			b += m[i + 0x800];
		if (tries && a != b)
			return 1;
		usleep(200000);
	}
	return 0;
}

/* Wait up to 5 s for the vCPU thread to stop by itself. */
static int memrun_wait_stop(struct memrun *r)
{
	unsigned int i;

	for (i = 0; i < 500 && !r->done; i++)
		usleep(10000);
	return r->done;
}

static void mem_changes(int dev)
{
	static const uint8_t code[] = {
		0x31, 0xc0,			/* xor ax, ax */
		0x8e, 0xc0,			/* 1: mov es, ax */
		0x26, 0xfe, 0x06, 0x00, 0x08,	/* inc byte [es:0x800] */
		0x05, 0x00, 0x01,		/* add ax, 0x100 (next 4 KiB) */
		0xeb, 0xf4,			/* jmp 1b */
	};
	const size_t size = 0x100000;
	struct hxen_create_vm cvm = { 0 };
	struct hxen_regs regs = { 0 };
	struct hxen_sregs s;
	struct memrun r = { 0 };
	pthread_t t;
	uint8_t *m;
	pid_t pid;
	int vm, status = 0, stopped;

	vm = must_work(ioctl(dev, HXEN_CREATE_VM, &cvm), "CREATE_VM for the memory-changes guest");
	m = map_anon(size, PROT_READ | PROT_WRITE);
	memcpy(m + 0x1000, code, sizeof(code));
	if (set_slot(vm, 0, 0, 0, size, (uint64_t)(uintptr_t)m) < 0 ||
	    (r.vcpu = create_vcpu(vm, 0, 0)) < 0) {
		may_fail(-1, "set up the memory-changes guest");
		close(vm);
		munmap(m, size);
		return;
	}
	r.run = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, r.vcpu, 0);
	if (r.run == MAP_FAILED || ioctl(r.vcpu, HXEN_GET_SREGS, &s)) {
		may_fail(-1, "run page / SREGS of the memory-changes guest");
		goto out;
	}
	s.cs.base = 0;
	s.cs.selector = 0;
	s.es.base = 0;
	s.es.selector = 0;
	must_work(ioctl(r.vcpu, HXEN_SET_SREGS, &s), "SET_SREGS of the memory-changes guest");
	regs.rip = 0x1000;
	regs.rflags = 2;
	must_work(ioctl(r.vcpu, HXEN_SET_REGS, &regs), "SET_REGS of the memory-changes guest");

	must_work(memrun_start(&r, &t), "start the memory-changes vCPU thread");
	if (!guest_progress(m, size)) {
		memrun_stop(&r, t);
		may_fail(-1, "the memory-changes guest does not run here (exit %u)", r.reason);
		goto out;
	}
	/* DONTNEED: the host takes the pages back; the guest sees zeroes. */
	for (int i = 0; i < 10; i++) {
		madvise(m + 0x10000, size - 0x10000, MADV_DONTNEED);
		usleep(20000);
	}
	stopped = !guest_progress(m, size) || r.done;
	expect(!stopped, "guest keeps running while the monitor madvise(DONTNEED)s its RAM (exit %u)",
	       r.reason);
	/* fork: copy-on-write; the parent's mapping must still be the guest's */
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, &status, 0);
	expect(pid > 0 && !r.done && guest_progress(m, size),
	       "guest keeps running, seen through the parent's mapping, after a fork");
	/* read-only under a writing guest: its vCPU stops */
	mprotect(m, size, PROT_READ);
	stopped = memrun_wait_stop(&r);
	expect(stopped && r.reason == HXEN_EXIT_INTERNAL_ERROR &&
	       r.suberror == HXEN_INTERNAL_FAULT,
	       "vCPU writing RAM the monitor made read-only stops with INTERNAL_FAULT "
	       "(exit %u, suberror %u)", r.reason, r.suberror);
	memrun_stop(&r, t);
	mprotect(m, size, PROT_READ | PROT_WRITE);
	must_work(memrun_start(&r, &t), "restart the memory-changes vCPU");
	expect(guest_progress(m, size), "guest runs again once its RAM is writable again");
	/* munmap part of it: the vCPU stops; the host must not oops */
	munmap(m + 0x80000, 0x10000);
	stopped = memrun_wait_stop(&r);
	expect(stopped && r.reason == HXEN_EXIT_INTERNAL_ERROR &&
	       r.suberror == HXEN_INTERNAL_FAULT,
	       "vCPU touching RAM the monitor unmapped stops (exit %u, suberror %u)",
	       r.reason, r.suberror);
	memrun_stop(&r, t);
	/* mapped again at the same place: zero pages, runs */
	mmap(m + 0x80000, 0x10000, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	must_work(memrun_start(&r, &t), "restart after re-mapping the hole");
	expect(guest_progress(m, size), "guest runs on RAM mapped again with MAP_FIXED");
	/* the whole RAM goes away while the vCPU runs, then the VM */
	munmap(m, size);
	memrun_wait_stop(&r);
	memrun_stop(&r, t);
	may_fail(r.reason == HXEN_EXIT_INTERNAL_ERROR ? 0 : -1,
		 "vCPU after all of its RAM was unmapped (exit %u)", r.reason);
	m = NULL;
out:
	if (r.run && r.run != MAP_FAILED)
		munmap(r.run, PAGE);
	close(r.vcpu);
	close(vm);
	if (m)
		munmap(m, size);
}

static void many_vms(int dev, const struct hxen_caps *caps)
{
	struct hxen_create_vm c = { 0 };
	unsigned int n = caps->max_vms, i;
	int *fds;

	if (!n || n > 256) {
		may_fail(-1, "VM limit: max_vms %u not testable", n);
		return;
	}
	fds = calloc(n + 1, sizeof(*fds));
	for (i = 0; i < n; i++) {
		fds[i] = ioctl(dev, HXEN_CREATE_VM, &c);
		if (fds[i] < 0)
			break;
	}
	may_fail(i == n ? 0 : -1, "create max_vms (%u) VMs (got %u)", n, i);
	if (i == n)
		must_fail(closing(ioctl(dev, HXEN_CREATE_VM, &c)), "VM number max_vms + 1");
	while (i--)
		close(fds[i]);
	free(fds);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : HXEN_DEVICE;
	struct sigaction sa = { .sa_handler = on_alarm };
	struct hxen_version ver;
	struct hxen_caps caps;
	struct hxen_create_vm cvm = { 0 };
	struct hxen_run *run;
	int dev, dev2, vm, vcpu;
	uint8_t *mem;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("HXEN_HOSTILE_TRACE"))
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: RUN must see EINTR */

	dev = must_work(open(path, O_RDWR | O_CLOEXEC), "open /dev/hxen");
	must_work(ioctl(dev, HXEN_GET_VERSION, &ver), "HXEN_GET_VERSION");
	if (ver.abi_version != HXEN_ABI_VERSION) {
		printf("not ok 1 - module ABI %u, this program ABI %u: rebuild\n",
		       ver.abi_version, HXEN_ABI_VERSION);
		return 1;
	}
	must_work(ioctl(dev, HXEN_GET_CAPS, &caps), "HXEN_GET_CAPS");
	printf("# backend %u vendor %u max_vms %u max_vcpus %u max_slots %u max_gpa 0x%llx%s%.*s\n",
	       caps.backend, caps.vendor, caps.max_vms, caps.max_vcpus, caps.max_slots,
	       (unsigned long long)caps.max_gpa, caps.backend ? "" : " reason: ",
	       (int)sizeof(caps.reason), caps.backend ? "" : caps.reason);

	cvm.flags = 1;
	must_fail(closing(ioctl(dev, HXEN_CREATE_VM, &cvm)), "CREATE_VM with flags 1");
	cvm.flags = 0;
	vm = must_work(ioctl(dev, HXEN_CREATE_VM, &cvm), "CREATE_VM");
	mem = map_anon(0x200000, PROT_READ | PROT_WRITE);

	/* the first run: nothing set up yet */
	vcpus(vm, &caps, &vcpu, &run);
	run_defined(vcpu, run, "HXEN_RUN before any memory or register set-up");

	wrong_numbers(dev, vm, vcpu);
	bad_pointers(dev, vm, vcpu);
	slots(vm, &caps, mem);
	msrs(vcpu, run);
	registers(vcpu, run);
	xen(vm, mem);
	vcpu_state(vm, vcpu, run);
	forked(vm);

	/* run page unmapped while the vCPU lives */
	munmap(run, PAGE);
	run_defined(vcpu, NULL, "HXEN_RUN with the run page unmapped");
	close(vcpu);

	close(vm);
	xen_state(dev);
	spinning(dev, mem);
	mem_changes(dev);
	many_vms(dev, &caps);

	/* the device goes first, the VM lives on */
	vm = must_work(ioctl(dev, HXEN_CREATE_VM, &cvm), "CREATE_VM again");
	close(dev);
	may_fail(closing(create_vcpu(vm, 0, 0)), "CREATE_VCPU after /dev/hxen was closed");
	close(vm);

	/* more than the emulated host's RAM: refuse or fail to pin, not OOM */
	vm = must_work(ioctl(dev2 = open(path, O_RDWR | O_CLOEXEC), HXEN_CREATE_VM, &cvm),
		       "CREATE_VM for a 4 GiB slot");
	{
		void *big = mmap(NULL, 4UL << 30, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (big != MAP_FAILED) {
			may_fail(set_slot(vm, 0, 0, 0, 4UL << 30, (uint64_t)(uintptr_t)big),
				 "slot of 4 GiB (more than the host's RAM)");
			close(vm);
			munmap(big, 4UL << 30);
		}
	}
	close(dev2);

	printf("1..%d\n", ncase);
	printf("hxen-hostile: %d cases, %d unexpected successes\n", ncase, nbad);
	return nbad ? 1 : 0;
}
