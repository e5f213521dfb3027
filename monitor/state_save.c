// SPDX-License-Identifier: GPL-2.0
/*
 * Save a paused VM into a state stream.  Order of the stream: CONFIG, the
 * RAM layout, TSC, one VCPU record per vCPU, the Xen layer (XEN, one
 * XEN_VCPU per vCPU, GNTTAB), XENSTORE, one DEVICE per backend, then RAM
 * and END.  The backends are quiesced first (in-flight disk I/O finished,
 * responses pushed, workers stopped) and the xenstore lock is held for
 * the whole copy, so RAM, rings and device records agree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "devices/be_core.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/pvh.h"
#include "monitor/state.h"

static struct {
	int argc;
	char **argv;
	struct mon_vm *vm;
} st_self;

void mon_state_set_argv(int argc, char **argv)
{
	st_self.argc = argc;
	st_self.argv = argv;
}

/* The VM the save code works on: recorded by a VM-phase hook. */
static int note_vm(struct mon_vm *vm, char *err, size_t errlen)
{
	st_self.vm = vm;
	return 0;
}

static void forget_vm(struct mon_vm *vm)
{
	st_self.vm = NULL;
}

static struct mon_hook state_note_hook = {
	.name = "state-note", .phase = MON_PHASE_VM, .fn = note_vm,
	.fini = forget_vm,
};
MON_HOOK(state_note_hook)

/* MSRs a guest can change that GET_SREGS does not carry (no TSC: HXS_TSC). */
static const uint32_t saved_msrs[] = {
	0x174, 0x175, 0x176,			/* SYSENTER_CS/ESP/EIP */
	0x1a0,					/* MISC_ENABLE */
	0x1d9,					/* DEBUGCTL */
	0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207,
	0x208, 0x209, 0x20a, 0x20b, 0x20c, 0x20d, 0x20e, 0x20f,
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d,
	0x26e, 0x26f,				/* MTRRs */
	0x277,					/* PAT */
	0x2ff,					/* MTRR_DEF_TYPE */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR..SFMASK */
	0xc0000102, 0xc0000103,			/* KERNEL_GS_BASE, TSC_AUX */
};

static double now_ms(void);

static int fail(char *err, size_t errlen, int e, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, e == -EIO ? hxen_last_error() :
		 strerror(-e));
	return e;
}

static bool restore_arg(const char *a)
{
	return !strcmp(a, "--restore") || !strcmp(a, "--incoming");
}

static int save_config(struct hxs_writer *w, struct mon_vm *vm)
{
	struct hxs_config c = {
		.vcpus = vm->nr_vcpus, .memory = vm->cfg->memory,
		.backend = vm->hx.caps.backend,
	};
	struct hxs_buf b = { 0 };
	const void *part;
	size_t len;
	int r;

	for (int i = 0; i < st_self.argc && c.argc < HXS_MAX_ARGS; i++) {
		/* how a restored or migrated VM started is not its config */
		if (restore_arg(st_self.argv[i])) {
			i++;
			continue;
		}
		c.argc++;
	}
	hxs_put(&b, &c, sizeof(c));
	for (int i = 0; i < st_self.argc; i++) {
		if (restore_arg(st_self.argv[i])) {
			i++;
			continue;
		}
		hxs_put(&b, st_self.argv[i], strlen(st_self.argv[i]) + 1);
	}
	if (b.oom)
		return -ENOMEM;
	part = b.p;
	len = b.len;
	r = hxs_write_rec(w, HXS_CONFIG, 1, &part, &len, 1);
	free(b.p);
	return r;
}

static int save_vcpu(struct hxs_writer *w, struct mon_vcpu *v)
{
	struct hxen_msr_entry msrs[sizeof(saved_msrs) / sizeof(saved_msrs[0])];
	struct hxs_vcpu h = { .id = v->hv.id };
	static struct hxen_fpu fpu;
	const void *parts[3];
	size_t lens[3];

	if (ioctl(v->hv.fd, HXEN_GET_VCPU_STATE, &h.state) < 0)
		return -errno;
	if (hxen_vcpu_get_regs(&v->hv, &h.regs) < 0 ||
	    hxen_vcpu_get_sregs(&v->hv, &h.sregs) < 0 ||
	    hxen_vcpu_get_fpu(&v->hv, &fpu) < 0)
		return -EIO;
	for (unsigned int i = 0; i < sizeof(saved_msrs) / sizeof(saved_msrs[0]); i++) {
		struct hxen_msr_entry e = { .index = saved_msrs[i] };

		/* each on its own: the vendor decides which exist */
		if (hxen_vcpu_get_msrs(&v->hv, &e, 1) == 1)
			msrs[h.nmsrs++] = e;
	}
	h.xcr0 = fpu.xcr0;
	h.fpu_size = fpu.size;
	if (fpu.size < 512 || fpu.size > sizeof(fpu.region))
		return -EIO;
	parts[0] = &h;
	lens[0] = sizeof(h);
	parts[1] = msrs;
	lens[1] = h.nmsrs * sizeof(msrs[0]);
	parts[2] = fpu.region;
	lens[2] = fpu.size;
	return hxs_write_rec(w, HXS_VCPU, 1, parts, lens, 3);
}

static int save_xen(struct hxs_writer *w, struct mon_vm *vm)
{
	struct hxen_xen_state *xs = calloc(1, sizeof(*xs));
	struct hxen_xen_state_io io = { (uintptr_t)xs, sizeof(*xs), 0 };
	unsigned int frames;
	void *gnt;
	int r = 0;

	if (!xs)
		return -ENOMEM;
	if (ioctl(vm->hvm.fd, HXEN_XEN_GET_STATE, &io) < 0)
		r = -errno;
	if (!r)
		r = hxs_write_simple(w, HXS_XEN, xs, sizeof(*xs));
	free(xs);
	for (unsigned int i = 0; !r && i < vm->nr_vcpus; i++) {
		struct hxs_xen_vcpu x = { .id = i };

		if (ioctl(vm->vcpus[i].hv.fd, HXEN_XEN_GET_VCPU_STATE, &x.st) < 0)
			return -errno;
		r = hxs_write_simple(w, HXS_XEN_VCPU, &x, sizeof(x));
	}
	gnt = pvh_gnttab(&frames);
	if (!r && gnt) {
		struct hxs_gnttab g = { .frames = frames };

		r = hxs_write_compressed(w, HXS_GNTTAB, &g, sizeof(g), gnt,
					 (size_t)frames * HXS_PAGE);
	}
	return r;
}

static int save_xenstore(struct hxs_writer *w, struct xs *xs)
{
	struct hxs_buf b = { 0 };
	int r = state_xs_save(xs, &b);

	if (!r)
		r = hxs_write_simple(w, HXS_XENSTORE, b.p, b.len);
	free(b.p);
	return r;
}

/* Everything but RAM, after CONFIG and the RAM layout: TSC .. DEVICE. */
int state_write_machine(struct hxs_writer *w, struct mon_vm *vm, struct xs *xs)
{
	struct hxen_tsc tsc;
	int r = 0;

	if (ioctl(vm->hvm.fd, HXEN_GET_TSC, &tsc) < 0)
		return -errno;
	r = hxs_write_simple(w, HXS_TSC, &tsc, sizeof(tsc));
	for (unsigned int i = 0; !r && i < vm->nr_vcpus; i++)
		r = save_vcpu(w, &vm->vcpus[i]);
	if (!r && xs)
		r = save_xen(w, vm);
	if (!r && xs)
		r = save_xenstore(w, xs);
	if (!r)
		r = state_dev_save(w);
	return r;
}

int state_xen_pages(struct mon_vm *vm, uint64_t **out)
{
	struct hxen_xen_state *xs = calloc(1, sizeof(*xs));
	struct hxen_xen_state_io io = { (uintptr_t)xs, sizeof(*xs), 0 };
	uint64_t *gpa = calloc(1 + 3 * vm->nr_vcpus, sizeof(*gpa));
	int n = 0;

	*out = gpa;
	if (!xs || !gpa) {
		free(xs);
		return -ENOMEM;
	}
	if (ioctl(vm->hvm.fd, HXEN_XEN_GET_STATE, &io) < 0) {
		n = errno == ENXIO || errno == ENOTTY ? 0 : -errno;
		free(xs);
		return n;	/* 0: no Xen layer, nothing it writes */
	}
	if (xs->shinfo_gfn != HXEN_XEN_NO_GFN)
		gpa[n++] = xs->shinfo_gfn << 12;
	free(xs);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct hxen_xen_vcpu_state st;

		if (ioctl(vm->vcpus[i].hv.fd, HXEN_XEN_GET_VCPU_STATE, &st) < 0)
			continue;	/* a vCPU without a Xen side */
		if (st.vcpu_info_gpa != HXEN_XEN_NO_GFN)
			gpa[n++] = st.vcpu_info_gpa & ~4095ULL;
		if (st.time_area_gpa != HXEN_XEN_NO_GFN) {
			/* 32 bytes, which may straddle two pages */
			gpa[n++] = st.time_area_gpa & ~4095ULL;
			gpa[n++] = (st.time_area_gpa + 31) & ~4095ULL;
		}
	}
	return n;
}

/* CONFIG and the RAM layout: the start of every stream. */
int state_write_head(struct hxs_writer *w, struct mon_vm *vm)
{
	struct hxen_cpuid_features cf;
	int r = save_config(w, vm);

	/* what the guest was shown: a destination must show all of it */
	if (!r && hxen_vm_get_cpuid(&vm->hvm, &cf) < 0) {
		mon_err("saving the CPUID record: %s", hxen_last_error());
		r = -EIO;
	}
	if (!r)
		r = hxs_write_simple(w, HXS_CPUID, &cf, sizeof(cf));

	for (unsigned int i = 0; !r && i < vm->mem.n; i++) {
		const struct mon_mem_region *g = &vm->mem.r[i];
		struct hxs_ram_region rr = { g->gpa, g->size };

		if (g->host)
			r = hxs_write_simple(w, HXS_RAM_REGION, &rr, sizeof(rr));
	}
	return r;
}

struct mon_vm *state_vm(void)
{
	return st_self.vm;
}

double state_now_ms(void)
{
	return now_ms();
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Save files hold RAM pages raw (stream.h: the fast choice where the
 * file is memory or a fast disk); HXEN_SAVE_ZSTD=LEVEL in the monitor's
 * environment compresses them (smaller files on slow disks).
 */
static int save_level(void)
{
	const char *e = getenv("HXEN_SAVE_ZSTD");
	char *end;
	long v;

	if (!e || !*e)
		return HXS_ZSTD_RAW;
	v = strtol(e, &end, 10);
	if (*end || v < -100 || v > 19) {
		mon_warn("HXEN_SAVE_ZSTD=%s: not a zstd level (-100..19); the "
			 "pages are saved raw", e);
		return HXS_ZSTD_RAW;
	}
	return (int)v;
}

int mon_state_save(int fd, bool resume_devices, struct state_stats *st,
		   char *err, size_t errlen)
{
	struct mon_vm *vm = st_self.vm;
	struct hxs_writer w;
	struct xs *xs = NULL;
	double t0 = now_ms();
	int r;

	if (!vm)
		return fail(err, errlen, -ENODEV, "save");
	r = be_core_quiesce();
	if (r < 0)
		return fail(err, errlen, r, "quiescing the backends");
	xs = pvh_xs_lock();
	r = hxs_writer_open(&w, fd);
	w.zlevel = save_level();
	if (!r) {
		int n = state_xen_pages(vm, &w.volatile_gpa);

		r = n < 0 ? n : 0;
		w.nvolatile = n > 0 ? n : 0;
	}
	if (!r)
		r = state_write_head(&w, vm);
	if (!r)
		r = state_write_machine(&w, vm, xs);
	for (unsigned int i = 0; !r && i < vm->mem.n; i++) {
		const struct mon_mem_region *g = &vm->mem.r[i];

		/* nothing writes guest RAM now; the special pages: copied */
		w.inplace = g->type == MON_MEM_RAM;
		if (g->host)
			r = hxs_write_ram(&w, g->gpa, g->host,
					  g->size / HXS_PAGE);
	}
	if (!r)
		r = hxs_write_simple(&w, HXS_END, NULL, 0);
	if (!r && fsync(fd) < 0 && errno != EINVAL)
		r = -errno;
	if (xs)
		pvh_xs_unlock();
	st->bytes = w.bytes;
	st->ram_pages = w.ram_pages;
	st->zero_pages = w.zero_pages;
	free(w.volatile_gpa);
	hxs_writer_close(&w);
	if (resume_devices || r)
		be_core_resume();
	st->ms = now_ms() - t0;
	if (r)
		return fail(err, errlen, r, "writing the state");
	mon_info("state saved: %llu bytes, %llu of %llu pages zero, %.0f ms",
		 (unsigned long long)st->bytes,
		 (unsigned long long)st->zero_pages,
		 (unsigned long long)st->ram_pages, st->ms);
	return 0;
}

int mon_state_save_file(const char *path, bool resume_devices,
			struct state_stats *st, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int r;

	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	r = mon_state_save(fd, resume_devices, st, err, errlen);
	if (close(fd) < 0 && !r) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		r = -EIO;
	}
	if (r)
		unlink(path);	/* never leave half a save file behind */
	return r;
}
