// SPDX-License-Identifier: GPL-2.0
/*
 * libhxen: thin wrapper over the hxen ioctls (include/hxen/libhxen.h).
 * Arguments are validated here before any ioctl so that user-space bugs
 * get -EINVAL and a message, not whatever the module happens to answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hxen/libhxen.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

#define HXEN_PAGE_SIZE	4096ULL
#define HXEN_MAX_GRANT_FRAMES	64

static __thread char last_error[256];

const char *hxen_lib_version(void)
{
	return STR(HXEN_LIB_VERSION_MAJOR) "." STR(HXEN_LIB_VERSION_MINOR) "."
	       STR(HXEN_LIB_VERSION_PATCH) " (ABI " STR(HXEN_ABI_VERSION) ")";
}

const char *hxen_last_error(void)
{
	return last_error;
}

static int __attribute__((format(printf, 2, 3))) fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

/* An ioctl that failed with -@err: record which and why, return @err. */
static int ioctl_fail_code(int err, const char *what)
{
	return fail(err, "hxen: %s failed: %s", what, strerror(-err));
}

/* An ioctl that failed: record which and why, return -errno. */
static int ioctl_fail(const char *what)
{
	int err = errno;

	return fail(-err, "hxen: %s failed: %s", what, strerror(err));
}

static int do_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR && req != HXEN_RUN);
	if (r < 0)
		return ioctl_fail(what);
	return r;
}

static const char *const exit_names[HXEN_EXIT_MAX] = {
	[HXEN_EXIT_NONE] = "none",
	[HXEN_EXIT_IO] = "io",
	[HXEN_EXIT_MMIO] = "mmio",
	[HXEN_EXIT_SHUTDOWN] = "shutdown (triple fault)",
	[HXEN_EXIT_FAIL_ENTRY] = "failed entry",
	[HXEN_EXIT_INTERNAL_ERROR] = "internal error",
	[HXEN_EXIT_HLT] = "hlt",
	[HXEN_EXIT_KICKED] = "kicked",
	[HXEN_EXIT_INTR] = "interrupted",
	[HXEN_EXIT_XEN_SHUTDOWN] = "xen shutdown",
};

const char *hxen_exit_name(uint32_t reason)
{
	if (reason < HXEN_EXIT_MAX && exit_names[reason])
		return exit_names[reason];
	return "?";
}

static bool aligned(uint64_t v)
{
	return (v & (HXEN_PAGE_SIZE - 1)) == 0;
}

/* ------------------------------------------------------------------ */
/* /dev/hxen                                                          */
/* ------------------------------------------------------------------ */

int hxen_get_version(struct hxen *hx, struct hxen_version *ver)
{
	if (!hx || !ver)
		return fail(-EINVAL, "hxen_get_version: NULL argument");
	return do_ioctl(hx->fd, HXEN_GET_VERSION, ver, "HXEN_GET_VERSION");
}

int hxen_get_caps(struct hxen *hx, struct hxen_caps *caps)
{
	int r;

	if (!hx || !caps)
		return fail(-EINVAL, "hxen_get_caps: NULL argument");
	r = do_ioctl(hx->fd, HXEN_GET_CAPS, caps, "HXEN_GET_CAPS");
	if (r >= 0)
		caps->reason[sizeof(caps->reason) - 1] = '\0';
	return r;
}

static int open_fail(int err, const char *path)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return fail(-err, "hxen: %s not found: load the module "
			    "(modprobe hxen / insmod hxen.ko)", path);
	case EACCES:
	case EPERM:
		return fail(-err, "hxen: permission denied opening %s: add "
			    "yourself to the group owning it, or run as root",
			    path);
	default:
		return fail(-err, "hxen: cannot open %s: %s", path,
			    strerror(err));
	}
}

int hxen_open(struct hxen *hx, const char *path)
{
	int r;

	if (!hx)
		return fail(-EINVAL, "hxen_open: NULL handle");
	memset(hx, 0, sizeof(*hx));
	hx->fd = -1;
	if (!path)
		path = HXEN_DEVICE;
	hx->fd = open(path, O_RDWR | O_CLOEXEC);
	if (hx->fd < 0)
		return open_fail(errno, path);

	r = hxen_get_version(hx, &hx->version);
	if (r == -ENOTTY || r == -EINVAL) {
		r = fail(-ENOTTY, "hxen: %s is not an hxen device (version "
			 "query refused)", path);
		goto err;
	}
	if (r < 0)
		goto err;
	hx->version.module_version[sizeof(hx->version.module_version) - 1] = 0;
	if (hx->version.abi_version != HXEN_ABI_VERSION) {
		r = fail(-EPROTO, "hxen: ABI mismatch: module %s speaks ABI %u, "
			 "this program needs ABI %u: install matching hxen.ko "
			 "and user-space tools", hx->version.module_version,
			 hx->version.abi_version, HXEN_ABI_VERSION);
		goto err;
	}
	r = hxen_get_caps(hx, &hx->caps);
	if (r < 0)
		goto err;
	return 0;
err:
	close(hx->fd);
	hx->fd = -1;
	return r;
}

void hxen_close(struct hxen *hx)
{
	if (hx && hx->fd >= 0) {
		close(hx->fd);
		hx->fd = -1;
	}
}

/* ------------------------------------------------------------------ */
/* VM                                                                 */
/* ------------------------------------------------------------------ */

int hxen_vm_create(struct hxen *hx, struct hxen_vm *vm)
{
	struct hxen_create_vm c = { 0 };
	int fd;

	if (!hx || !vm)
		return fail(-EINVAL, "hxen_vm_create: NULL argument");
	vm->fd = -1;
	vm->hx = hx;
	if (hx->fd >= 0 && hx->caps.backend == HXEN_BACKEND_NONE)
		return fail(-ENODEV, "hxen: the module found no usable VMX/SVM"
			    ": %s", hx->caps.reason[0] ? hx->caps.reason :
			    "no reason given");
	fd = do_ioctl(hx->fd, HXEN_CREATE_VM, &c, "HXEN_CREATE_VM");
	if (fd < 0) {
		struct hxen_caps now;
		int err = fd;

		/*
		 * The first VM switches SVM/VMX on; when that is refused the
		 * module keeps the cause in caps.reason (another hypervisor
		 * holding it, firmware lock...).  That is what the user needs
		 * to read, not just the errno.
		 */
		if (hxen_get_caps(hx, &now) == 0 && now.reason[0]) {
			now.reason[sizeof(now.reason) - 1] = 0;
			hx->caps = now;
			return fail(err, "hxen: cannot create a VM: %s",
				    now.reason);
		}
		if (err == -EBUSY)
			return fail(err, "hxen: cannot create a VM: %s (another "
				    "hypervisor may be holding %s)",
				    strerror(-err),
				    hx->caps.backend == HXEN_BACKEND_VMX ?
				    "VMX" : "SVM");
		return ioctl_fail_code(err, "HXEN_CREATE_VM");
	}
	vm->fd = fd;
	return 0;
}

void hxen_vm_destroy(struct hxen_vm *vm)
{
	if (vm && vm->fd >= 0) {
		close(vm->fd);
		vm->fd = -1;
	}
}

static int check_slot(const struct hxen_vm *vm, const struct hxen_memory_slot *s)
{
	const struct hxen_caps *caps = vm->hx ? &vm->hx->caps : NULL;

	if (s->flags & ~(HXEN_MEM_READONLY | HXEN_MEM_DIRTY_LOG))
		return fail(-EINVAL, "hxen: slot %u: unknown flags %#x",
			    s->slot, s->flags);
	if (caps && caps->max_slots && s->slot >= caps->max_slots)
		return fail(-EINVAL, "hxen: slot %u: the module allows %u slots",
			    s->slot, caps->max_slots);
	if (s->size == 0)	/* removal: only the slot number matters */
		return 0;
	if (!aligned(s->gpa) || !aligned(s->size) || !aligned(s->uaddr))
		return fail(-EINVAL, "hxen: slot %u: gpa %#llx, size %#llx and "
			    "host address %#llx must be 4 KiB aligned", s->slot,
			    (unsigned long long)s->gpa,
			    (unsigned long long)s->size,
			    (unsigned long long)s->uaddr);
	if (!s->uaddr)
		return fail(-EINVAL, "hxen: slot %u: NULL host address",
			    s->slot);
	if (s->gpa + s->size < s->gpa || s->uaddr + s->size < s->uaddr)
		return fail(-EINVAL, "hxen: slot %u: range wraps around",
			    s->slot);
	if (caps && caps->max_gpa && s->gpa + s->size > caps->max_gpa)
		return fail(-EINVAL, "hxen: slot %u: end %#llx is beyond the "
			    "guest-physical limit %#llx", s->slot,
			    (unsigned long long)(s->gpa + s->size),
			    (unsigned long long)caps->max_gpa);
	return 0;
}

int hxen_vm_set_slot(struct hxen_vm *vm, const struct hxen_memory_slot *s)
{
	struct hxen_memory_slot copy;
	int r;

	if (!vm || !s)
		return fail(-EINVAL, "hxen_vm_set_slot: NULL argument");
	r = check_slot(vm, s);
	if (r < 0)
		return r;
	copy = *s;
	return do_ioctl(vm->fd, HXEN_SET_MEMORY_SLOT, &copy,
			"HXEN_SET_MEMORY_SLOT");
}

int hxen_vm_add_slot(struct hxen_vm *vm, uint32_t slot, uint32_t flags,
		     uint64_t gpa, uint64_t size, void *host)
{
	struct hxen_memory_slot s = {
		.slot = slot, .flags = flags, .gpa = gpa, .size = size,
		.uaddr = (uintptr_t)host,
	};

	if (!size)
		return fail(-EINVAL, "hxen: slot %u: zero size (use "
			    "hxen_vm_remove_slot to remove)", slot);
	return hxen_vm_set_slot(vm, &s);
}

int hxen_vm_remove_slot(struct hxen_vm *vm, uint32_t slot)
{
	struct hxen_memory_slot s = { .slot = slot };

	return hxen_vm_set_slot(vm, &s);
}

int hxen_vm_get_dirty_log(struct hxen_vm *vm, uint32_t slot, uint64_t *bitmap)
{
	struct hxen_dirty_log d = { .slot = slot };

	if (!vm || !bitmap)
		return fail(-EINVAL, "hxen_vm_get_dirty_log: NULL argument");
	if ((uintptr_t)bitmap & 7)
		return fail(-EINVAL, "hxen: dirty bitmap must be 8-byte aligned");
	if (vm->hx && vm->hx->caps.max_slots && slot >= vm->hx->caps.max_slots)
		return fail(-EINVAL, "hxen: dirty log: no slot %u", slot);
	d.bitmap_uaddr = (uintptr_t)bitmap;
	return do_ioctl(vm->fd, HXEN_GET_DIRTY_LOG, &d, "HXEN_GET_DIRTY_LOG");
}

int hxen_get_supported_cpuid(struct hxen *hx, struct hxen_cpuid_features *f)
{
	if (!hx || !f)
		return fail(-EINVAL, "hxen_get_supported_cpuid: NULL argument");
	return do_ioctl(hx->fd, HXEN_GET_SUPPORTED_CPUID, f,
			"HXEN_GET_SUPPORTED_CPUID");
}

int hxen_vm_set_cpuid_mask(struct hxen_vm *vm, const struct hxen_cpuid_features *mask)
{
	struct hxen_cpuid_features m;

	if (!vm || !mask)
		return fail(-EINVAL, "hxen_vm_set_cpuid_mask: NULL argument");
	m = *mask;
	return do_ioctl(vm->fd, HXEN_SET_CPUID_MASK, &m, "HXEN_SET_CPUID_MASK");
}

int hxen_vm_get_cpuid(struct hxen_vm *vm, struct hxen_cpuid_features *f)
{
	if (!vm || !f)
		return fail(-EINVAL, "hxen_vm_get_cpuid: NULL argument");
	return do_ioctl(vm->fd, HXEN_GET_CPUID, f, "HXEN_GET_CPUID");
}

int hxen_xen_config(struct hxen_vm *vm, const struct hxen_xen_config *cfg)
{
	struct hxen_xen_config c;

	if (!vm || !cfg)
		return fail(-EINVAL, "hxen_xen_config: NULL argument");
	if (cfg->flags || cfg->reserved0 || cfg->reserved[0] ||
	    cfg->reserved[1] || cfg->reserved[2] || cfg->reserved[3])
		return fail(-EINVAL, "hxen: xen config: flags and reserved "
			    "fields must be 0");
	if (cfg->max_grant_frames > HXEN_MAX_GRANT_FRAMES)
		return fail(-EINVAL, "hxen: xen config: %u grant frames "
			    "(max %u)", cfg->max_grant_frames,
			    HXEN_MAX_GRANT_FRAMES);
	if (cfg->max_grant_frames &&
	    (!cfg->gnttab_uaddr || !aligned(cfg->gnttab_uaddr)))
		return fail(-EINVAL, "hxen: xen config: grant table memory "
			    "must be a non-NULL, 4 KiB aligned address");
	c = *cfg;
	return do_ioctl(vm->fd, HXEN_XEN_CONFIG, &c, "HXEN_XEN_CONFIG");
}

int hxen_xen_get_param(struct hxen_vm *vm, uint32_t index, uint64_t *value)
{
	struct hxen_xen_param p = { .index = index };
	int r;

	if (!vm || !value)
		return fail(-EINVAL, "hxen_xen_get_param: NULL argument");
	r = do_ioctl(vm->fd, HXEN_XEN_GET_PARAM, &p, "HXEN_XEN_GET_PARAM");
	if (r >= 0)
		*value = p.value;
	return r;
}

int hxen_xen_set_param(struct hxen_vm *vm, uint32_t index, uint64_t value)
{
	struct hxen_xen_param p = { .index = index, .value = value };

	if (!vm)
		return fail(-EINVAL, "hxen_xen_set_param: NULL argument");
	return do_ioctl(vm->fd, HXEN_XEN_SET_PARAM, &p, "HXEN_XEN_SET_PARAM");
}

int hxen_evtchn_bind(struct hxen_vm *vm, struct hxen_evtchn_bind *b)
{
	if (!vm || !b)
		return fail(-EINVAL, "hxen_evtchn_bind: NULL argument");
	if (b->flags & ~HXEN_EVTCHN_ALLOC)
		return fail(-EINVAL, "hxen: evtchn bind: unknown flags %#x",
			    b->flags);
	if (b->notify_fd < -1 || b->kick_fd < -1)
		return fail(-EINVAL, "hxen: evtchn bind: fds must be >= 0 or -1");
	/* Port 0 is never a valid event channel [xen/include/public/event_channel.h]. */
	if (!(b->flags & HXEN_EVTCHN_ALLOC) && b->port == 0)
		return fail(-EINVAL, "hxen: evtchn bind: port 0 is reserved");
	return do_ioctl(vm->fd, HXEN_EVTCHN_BIND, b, "HXEN_EVTCHN_BIND");
}

int hxen_evtchn_unbind(struct hxen_vm *vm, uint32_t port)
{
	struct hxen_evtchn_unbind u = { .port = port };

	if (!vm)
		return fail(-EINVAL, "hxen_evtchn_unbind: NULL argument");
	if (port == 0)
		return fail(-EINVAL, "hxen: evtchn unbind: port 0 is reserved");
	return do_ioctl(vm->fd, HXEN_EVTCHN_UNBIND, &u, "HXEN_EVTCHN_UNBIND");
}

/* ------------------------------------------------------------------ */
/* vCPU                                                               */
/* ------------------------------------------------------------------ */

int hxen_vcpu_create(struct hxen_vm *vm, uint32_t id, struct hxen_vcpu *vcpu)
{
	struct hxen_create_vcpu c = { .id = id };
	void *run;
	int fd;

	if (!vm || !vcpu)
		return fail(-EINVAL, "hxen_vcpu_create: NULL argument");
	vcpu->fd = -1;
	vcpu->id = id;
	vcpu->run = NULL;
	vcpu->vm = vm;
	if (vm->hx && vm->hx->caps.max_vcpus && id >= vm->hx->caps.max_vcpus)
		return fail(-EINVAL, "hxen: vCPU %u: the module allows %u vCPUs "
			    "per VM", id, vm->hx->caps.max_vcpus);
	fd = do_ioctl(vm->fd, HXEN_CREATE_VCPU, &c, "HXEN_CREATE_VCPU");
	if (fd < 0)
		return fd;
	run = mmap(NULL, HXEN_RUN_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (run == MAP_FAILED) {
		int err = errno;

		close(fd);
		return fail(-err, "hxen: vCPU %u: mapping the run page "
			    "failed: %s", id, strerror(err));
	}
	vcpu->fd = fd;
	vcpu->run = run;
	return 0;
}

void hxen_vcpu_destroy(struct hxen_vcpu *vcpu)
{
	if (!vcpu)
		return;
	if (vcpu->run)
		munmap(vcpu->run, HXEN_RUN_PAGE_SIZE);
	vcpu->run = NULL;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
}

int hxen_vcpu_run(struct hxen_vcpu *vcpu)
{
	if (!vcpu || !vcpu->run)
		return fail(-EINVAL, "hxen_vcpu_run: vCPU not created");
	if (ioctl(vcpu->fd, HXEN_RUN, 0) < 0) {
		if (errno == EINTR)
			return -EINTR;	/* not an error: caller re-runs */
		return ioctl_fail("HXEN_RUN");
	}
	return 0;
}

#define VCPU_CHECK(vcpu, p, fn)						\
	do {								\
		if (!(vcpu) || !(p))					\
			return fail(-EINVAL, fn ": NULL argument");	\
	} while (0)

int hxen_vcpu_get_regs(struct hxen_vcpu *vcpu, struct hxen_regs *regs)
{
	VCPU_CHECK(vcpu, regs, "hxen_vcpu_get_regs");
	return do_ioctl(vcpu->fd, HXEN_GET_REGS, regs, "HXEN_GET_REGS");
}

int hxen_vcpu_set_regs(struct hxen_vcpu *vcpu, const struct hxen_regs *regs)
{
	struct hxen_regs r;

	VCPU_CHECK(vcpu, regs, "hxen_vcpu_set_regs");
	r = *regs;
	return do_ioctl(vcpu->fd, HXEN_SET_REGS, &r, "HXEN_SET_REGS");
}

int hxen_vcpu_get_sregs(struct hxen_vcpu *vcpu, struct hxen_sregs *sregs)
{
	VCPU_CHECK(vcpu, sregs, "hxen_vcpu_get_sregs");
	return do_ioctl(vcpu->fd, HXEN_GET_SREGS, sregs, "HXEN_GET_SREGS");
}

static int check_seg(const struct hxen_segment *s, const char *name)
{
	if (s->type > 15 || s->present > 1 || s->dpl > 3 || s->db > 1 ||
	    s->s > 1 || s->l > 1 || s->g > 1 || s->avl > 1 || s->unusable > 1)
		return fail(-EINVAL, "hxen: sregs: segment %s has an "
			    "out-of-range attribute", name);
	return 0;
}

int hxen_vcpu_set_sregs(struct hxen_vcpu *vcpu, const struct hxen_sregs *sregs)
{
	const struct { const struct hxen_segment *s; const char *n; } segs[] = {
		{ &sregs->cs, "cs" }, { &sregs->ds, "ds" }, { &sregs->es, "es" },
		{ &sregs->fs, "fs" }, { &sregs->gs, "gs" }, { &sregs->ss, "ss" },
		{ &sregs->tr, "tr" }, { &sregs->ldt, "ldt" },
	};
	struct hxen_sregs copy;
	int r;

	VCPU_CHECK(vcpu, sregs, "hxen_vcpu_set_sregs");
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		r = check_seg(segs[i].s, segs[i].n);
		if (r < 0)
			return r;
	}
	copy = *sregs;
	return do_ioctl(vcpu->fd, HXEN_SET_SREGS, &copy, "HXEN_SET_SREGS");
}

static int msrs_io(struct hxen_vcpu *vcpu, const struct hxen_msr_entry *e,
		   uint32_t n, unsigned long req, const char *what)
{
	struct hxen_msrs m = { .nmsrs = n, .entries_uaddr = (uintptr_t)e };

	if (!vcpu || (n && !e))
		return fail(-EINVAL, "%s: NULL argument", what);
	if (n > HXEN_MAX_MSRS)
		return fail(-EINVAL, "hxen: %u MSRs in one call (max %u)", n,
			    HXEN_MAX_MSRS);
	if (!n)
		return 0;
	return do_ioctl(vcpu->fd, req, &m, what);
}

int hxen_vcpu_get_msrs(struct hxen_vcpu *vcpu, struct hxen_msr_entry *e,
		       uint32_t n)
{
	return msrs_io(vcpu, e, n, HXEN_GET_MSRS, "HXEN_GET_MSRS");
}

int hxen_vcpu_set_msrs(struct hxen_vcpu *vcpu, const struct hxen_msr_entry *e,
		       uint32_t n)
{
	return msrs_io(vcpu, e, n, HXEN_SET_MSRS, "HXEN_SET_MSRS");
}

int hxen_vcpu_get_fpu(struct hxen_vcpu *vcpu, struct hxen_fpu *fpu)
{
	VCPU_CHECK(vcpu, fpu, "hxen_vcpu_get_fpu");
	if ((uintptr_t)fpu & 63)
		return fail(-EINVAL, "hxen: FPU buffer must be 64-byte aligned");
	return do_ioctl(vcpu->fd, HXEN_GET_FPU, fpu, "HXEN_GET_FPU");
}

int hxen_vcpu_set_fpu(struct hxen_vcpu *vcpu, const struct hxen_fpu *fpu)
{
	VCPU_CHECK(vcpu, fpu, "hxen_vcpu_set_fpu");
	if ((uintptr_t)fpu & 63)
		return fail(-EINVAL, "hxen: FPU buffer must be 64-byte aligned");
	/* 512 bytes is the legacy FXSAVE image, the smallest valid one. */
	if (fpu->size < 512 || fpu->size > sizeof(fpu->region))
		return fail(-EINVAL, "hxen: FPU image of %u bytes (512..%zu)",
			    fpu->size, sizeof(fpu->region));
	return do_ioctl(vcpu->fd, HXEN_SET_FPU, (void *)fpu, "HXEN_SET_FPU");
}

int hxen_vcpu_interrupt(struct hxen_vcpu *vcpu, uint32_t vector)
{
	struct hxen_interrupt irq = { .vector = vector };

	if (!vcpu)
		return fail(-EINVAL, "hxen_vcpu_interrupt: NULL argument");
	/* Vectors 0..31 are exceptions, not external interrupts (SDM 6.2). */
	if (vector < 32 || vector > 255)
		return fail(-EINVAL, "hxen: interrupt vector %u out of range "
			    "32..255", vector);
	return do_ioctl(vcpu->fd, HXEN_INTERRUPT, &irq, "HXEN_INTERRUPT");
}

int hxen_vcpu_kick(struct hxen_vcpu *vcpu)
{
	if (!vcpu)
		return fail(-EINVAL, "hxen_vcpu_kick: NULL argument");
	return do_ioctl(vcpu->fd, HXEN_KICK, NULL, "HXEN_KICK");
}
