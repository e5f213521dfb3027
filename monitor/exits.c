// SPDX-License-Identifier: GPL-2.0
/*
 * Exit dispatch: one handler per enum hxen_exit_reason, in a table.  A
 * handler returns MON_CONTINUE to re-enter the guest or the process exit
 * status that ends the VM.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/log.h"
#include "monitor/monitor.h"

typedef int mon_exit_fn(struct mon_vcpu *v, struct hxen_run *run);

/*
 * --stats: user-space exits per port, and per 4 KiB MMIO page for the first
 * EXIT_MMIO_PAGES pages seen, so that the hot ones can be named.  Counted
 * only when asked for: the exit path pays nothing otherwise.
 */
#define EXIT_MMIO_PAGES	32

static bool exit_counting;

static uint32_t exit_io_count[0x10000];
static struct {
	uint64_t page;
	uint32_t count;
} exit_mmio_count[EXIT_MMIO_PAGES];
static unsigned int exit_mmio_pages;
static pthread_mutex_t exit_count_lock = PTHREAD_MUTEX_INITIALIZER;

static void count_mmio(uint64_t gpa)
{
	uint64_t page = gpa & ~0xfffULL;
	unsigned int i;

	pthread_mutex_lock(&exit_count_lock);
	for (i = 0; i < exit_mmio_pages; i++)
		if (exit_mmio_count[i].page == page)
			break;
	if (i == exit_mmio_pages && i < EXIT_MMIO_PAGES)
		exit_mmio_count[exit_mmio_pages++].page = page;
	if (i < EXIT_MMIO_PAGES)
		exit_mmio_count[i].count++;
	pthread_mutex_unlock(&exit_count_lock);
}

struct hot_spot {
	bool mmio;
	uint64_t addr;
	uint32_t count;
};

static int hot_spot_cmp(const void *a, const void *b)
{
	const struct hot_spot *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

/* Before the vCPUs start. */
void mon_exit_count_enable(void)
{
	exit_counting = true;
}

/* The @max busiest ports and MMIO pages, as "io 0xcf8: 120, ..." */
void mon_exit_hot_spots(char *buf, size_t len, unsigned int max)
{
	struct hot_spot top[16 + EXIT_MMIO_PAGES];
	unsigned int n = 0;
	size_t used = 0;

	/* keep the 16 busiest ports: replace the smallest kept one */
	for (unsigned int p = 0; p < 0x10000; p++) {
		uint32_t c = exit_io_count[p];
		unsigned int min = 0;

		if (!c)
			continue;
		if (n < 16) {
			top[n++] = (struct hot_spot){ false, p, c };
			continue;
		}
		for (unsigned int i = 1; i < n; i++)
			if (top[i].count < top[min].count)
				min = i;
		if (c > top[min].count)
			top[min] = (struct hot_spot){ false, p, c };
	}
	pthread_mutex_lock(&exit_count_lock);
	for (unsigned int i = 0; i < exit_mmio_pages; i++)
		top[n++] = (struct hot_spot){ true, exit_mmio_count[i].page,
					      exit_mmio_count[i].count };
	pthread_mutex_unlock(&exit_count_lock);
	qsort(top, n, sizeof(top[0]), hot_spot_cmp);
	buf[0] = '\0';
	for (unsigned int i = 0; i < n && i < max && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s %#" PRIx64 ": %u",
				 i ? ", " : "", top[i].mmio ? "mmio" : "io",
				 top[i].addr, top[i].count);
}

static int exit_continue(struct mon_vcpu *v, struct hxen_run *run)
{
	return MON_CONTINUE;
}

static int exit_io(struct mon_vcpu *v, struct hxen_run *run)
{
	unsigned int size = run->io.size, count = run->io.count;
	bool out = run->io.direction == HXEN_IO_OUT;

	if ((size != 1 && size != 2 && size != 4) || !count ||
	    count > HXEN_IO_DATA_MAX / size) {
		mon_err("vCPU %u: malformed I/O exit from the module: port "
			"%#x size %u count %u", v->hv.id, run->io.port, size,
			count);
		return MON_EXIT_INTERNAL;
	}
	if (exit_counting)
		__atomic_fetch_add(&exit_io_count[run->io.port], 1,
				   __ATOMIC_RELAXED);
	/* REP INS/OUTS: @count elements of @size bytes, same port */
	for (unsigned int i = 0; i < count; i++) {
		uint8_t *p = run->io.data + i * size;
		uint32_t val = 0;

		if (out)
			memcpy(&val, p, size);
		dev_pio_access(run->io.port, size, out, &val);
		if (!out)
			memcpy(p, &val, size);
	}
	return MON_CONTINUE;
}

static int exit_mmio(struct mon_vcpu *v, struct hxen_run *run)
{
	unsigned int len = run->mmio.len;
	bool write = run->mmio.direction == HXEN_MMIO_WRITE;
	uint64_t val = 0;

	if (len != 1 && len != 2 && len != 4 && len != 8) {
		mon_err("vCPU %u: malformed MMIO exit from the module: gpa "
			"%#" PRIx64 " len %u", v->hv.id, (uint64_t)run->mmio.gpa, len);
		return MON_EXIT_INTERNAL;
	}
	if (exit_counting)
		count_mmio(run->mmio.gpa);
	if (write)
		memcpy(&val, run->mmio.data, len);
	dev_mmio_access(run->mmio.gpa, len, write, &val);
	if (!write)
		memcpy(run->mmio.data, &val, len);
	return MON_CONTINUE;
}

static int exit_fatal(struct mon_vcpu *v, const char *what)
{
	FILE *f = mon_log_file();

	mon_err("vCPU %u: %s at rip %#" PRIx64, v->hv.id, what,
		(uint64_t)v->hv.run->rip);
	mon_regdump(v, f);
	return MON_EXIT_INTERNAL;
}

static int exit_shutdown(struct mon_vcpu *v, struct hxen_run *run)
{
	return exit_fatal(v, "triple fault (guest reset itself)");
}

static int exit_fail_entry(struct mon_vcpu *v, struct hxen_run *run)
{
	char what[192];

	/* SVM's VMEXIT_INVALID: the module numbers the check and logs its name. */
	snprintf(what, sizeof(what), "VM entry failed (hardware reason %#"
		 PRIx64 ", qualification %#" PRIx64 ")%s",
		 (uint64_t)run->fail_entry.hw_reason,
		 (uint64_t)run->fail_entry.qualification,
		 (uint32_t)run->fail_entry.hw_reason == 0xffffffffu ?
		 "; the kernel log (dmesg | grep hxen) names the failed VMRUN check" : "");
	return exit_fatal(v, what);
}

static int exit_internal(struct mon_vcpu *v, struct hxen_run *run)
{
	static const char *const sub[] = {
		[HXEN_INTERNAL_UNHANDLED_EXIT] = "unhandled exit",
		[HXEN_INTERNAL_EMULATION] = "instruction emulation failed",
		[HXEN_INTERNAL_STRING_IO] = "unsupported string I/O",
		[HXEN_INTERNAL_FAULT] = "guest memory access failed",
	};
	uint32_t s = run->internal.suberror;
	char what[192];

	snprintf(what, sizeof(what), "module internal error: %s (code %#"
		 PRIx64 ", info %#" PRIx64 " %#" PRIx64 ")",
		 s < sizeof(sub) / sizeof(sub[0]) && sub[s] ? sub[s] : "?",
		 (uint64_t)run->internal.code, (uint64_t)run->internal.info1,
		 (uint64_t)run->internal.info2);
	return exit_fatal(v, what);
}

/*
 * HLT with IF=0 and nothing pending.  With one vCPU the guest can never
 * run again: a hung guest.  With several, it is how an offlined or stopped
 * CPU parks (Linux's stop_this_cpu() while the BSP powers off, CPU
 * hot-unplug), so only when every vCPU sits there is the guest hung.  A
 * parked vCPU re-enters every MON_HLT_PARK_MS so that an INIT/SIPI or NMI
 * the module queued for it is taken.
 */
#define MON_HLT_PARK_MS	50

static bool all_vcpus_halted(struct mon_vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (!__atomic_load_n(&vm->vcpus[i].halted_noirq, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static int exit_hlt(struct mon_vcpu *v, struct hxen_run *run)
{
	struct mon_vm *vm = v->vm;

	__atomic_store_n(&v->halted_noirq, true, __ATOMIC_RELEASE);
	if (!all_vcpus_halted(vm)) {
		struct timespec ts = { 0, MON_HLT_PARK_MS * 1000000L };

		if (!atomic_load(&vm->stopping))
			nanosleep(&ts, NULL);
		return MON_CONTINUE;
	}
	mon_err("vCPU %u: guest halted with interrupts disabled and nothing "
		"pending at rip %#" PRIx64 "%s: hung guest", v->hv.id,
		(uint64_t)run->rip, vm->nr_vcpus > 1 ? " (all vCPUs)" : "");
	mon_regdump(v, mon_log_file());
	return MON_EXIT_HUNG;
}

static int exit_xen_shutdown(struct mon_vcpu *v, struct hxen_run *run)
{
	switch (run->xen_shutdown.reason) {
	case HXEN_XEN_POWEROFF:
		mon_info("guest powered off");
		return MON_EXIT_POWEROFF;
	case HXEN_XEN_REBOOT:
		mon_info("guest asked for a reboot");
		return MON_EXIT_REBOOT;
	case HXEN_XEN_CRASH:
		mon_err("guest crashed");
		mon_regdump(v, mon_log_file());
		return MON_EXIT_CRASH;
	case HXEN_XEN_WATCHDOG:
		mon_err("guest watchdog fired");
		return MON_EXIT_CRASH;
	default:
		mon_err("guest shutdown reason %u not supported (suspend needs "
			"save/restore)", run->xen_shutdown.reason);
		return MON_EXIT_INTERNAL;
	}
}

static mon_exit_fn *const exit_table[HXEN_EXIT_MAX] = {
	[HXEN_EXIT_NONE] = exit_continue,
	[HXEN_EXIT_IO] = exit_io,
	[HXEN_EXIT_MMIO] = exit_mmio,
	[HXEN_EXIT_SHUTDOWN] = exit_shutdown,
	[HXEN_EXIT_FAIL_ENTRY] = exit_fail_entry,
	[HXEN_EXIT_INTERNAL_ERROR] = exit_internal,
	[HXEN_EXIT_HLT] = exit_hlt,
	[HXEN_EXIT_KICKED] = exit_continue,	/* loop checks the stop flag */
	[HXEN_EXIT_INTR] = exit_continue,
	[HXEN_EXIT_XEN_SHUTDOWN] = exit_xen_shutdown,
};

int mon_handle_exit(struct mon_vcpu *v)
{
	struct hxen_run *run = v->hv.run;
	uint32_t reason = run->exit_reason;

	if (reason >= HXEN_EXIT_MAX || !exit_table[reason]) {
		mon_err("vCPU %u: unknown exit reason %u from the module "
			"(module and monitor versions differ?)", v->hv.id,
			reason);
		return MON_EXIT_INTERNAL;
	}
	if (reason != HXEN_EXIT_HLT && reason != HXEN_EXIT_KICKED &&
	    reason != HXEN_EXIT_INTR)
		__atomic_store_n(&v->halted_noirq, false, __ATOMIC_RELEASE);
	return exit_table[reason](v, run);
}

/*
 * --verbose: log each unclaimed port once and each unclaimed MMIO address
 * once (the first MON_UNCLAIMED_MAX of them; then say that we stop).
 */
#define MON_UNCLAIMED_MAX	256

void mon_unclaimed_access(bool mmio, uint64_t addr, unsigned int size,
			  bool write)
{
	static uint64_t port_seen[0x10000 / 64];
	static uint64_t mmio_seen[MON_UNCLAIMED_MAX];
	static unsigned int nr_mmio;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	bool first = true;

	if (!mon_log_verbose())
		return;
	pthread_mutex_lock(&lock);
	if (!mmio) {
		uint64_t bit = 1ULL << (addr & 63);

		first = !(port_seen[addr >> 6] & bit);
		port_seen[addr >> 6] |= bit;
	} else {
		for (unsigned int i = 0; i < nr_mmio && first; i++)
			first = mmio_seen[i] != addr;
		if (first && nr_mmio < MON_UNCLAIMED_MAX)
			mmio_seen[nr_mmio++] = addr;
		else if (first)
			first = false;
		if (first && nr_mmio == MON_UNCLAIMED_MAX)
			mon_dbg("more than %d unclaimed MMIO addresses: no "
				"more will be logged", MON_UNCLAIMED_MAX);
	}
	pthread_mutex_unlock(&lock);
	if (first)
		mon_dbg("unclaimed %s %s %#" PRIx64 " (%u bytes)%s",
			mmio ? "MMIO" : "port", write ? "write to" : "read from",
			addr, size, write ? " ignored" : ": all-ones");
}
