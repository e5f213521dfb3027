// SPDX-License-Identifier: GPL-2.0
/*
 * PVH boot of Linux-style guests: options (--ramdisk, --cmdline,
 * --console, --xen), the setup hooks that lay out memory, write the boot
 * information, configure the module's Xen personality (domid, version,
 * grant frames, HVM params) and start the xenstore and console backends,
 * and the reboot policy.  The platform's ports are in pvh_platform.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devices/be_console.h"
#include "devices/be_core.h"
#include "devices/be_xenstore.h"
#include "monitor/balloon.h"
#include "monitor/ctl.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/pvh.h"

#define PVH_DOMID		1
#define PVH_XEN_VERSION		((4 << 16) | 15)	/* Xen 4.15 */
#define PVH_GRANT_FRAMES	64

/* HVM_PARAM_* [xen/include/public/hvm/params.h] */
#define HVM_PARAM_STORE_PFN	1
#define HVM_PARAM_STORE_EVTCHN	2
#define HVM_PARAM_CONSOLE_PFN	17
#define HVM_PARAM_CONSOLE_EVTCHN 18

static struct pvh_state {
	bool boot_info;		/* start_info written */
	bool xen;		/* Xen personality and backends wanted */
	struct pvh_info info;
	void *gnttab;
	struct xs *xs;
	struct be_xenstore xsb;
	struct be_console con;
	struct be_env env;	/* the PV backends' view of the VM */
	bool xsb_up, con_up, be_up;
	uint32_t store_port, console_port;
	int efd[4];		/* store notify/kick, console notify/kick */
} pvh = { .efd = { -1, -1, -1, -1 } };

/* ---------------------------------------------------------------- */
/* options                                                          */
/* ---------------------------------------------------------------- */

static int set_ramdisk(struct mon_config *cfg, const char *arg, char *err,
		       size_t errlen)
{
	cfg->ramdisk = arg;
	return 0;
}

static int set_cmdline(struct mon_config *cfg, const char *arg, char *err,
		       size_t errlen)
{
	if (strlen(arg) >= PVH_CMDLINE_MAX)
		return pvh_err(-E2BIG, err, errlen, "--cmdline is %zu bytes; "
			       "Linux takes at most %d", strlen(arg),
			       PVH_CMDLINE_MAX - 1);
	cfg->cmdline = arg;
	return 0;
}

static int set_console(struct mon_config *cfg, const char *arg, char *err,
		       size_t errlen)
{
	if (!strcmp(arg, "stdio"))
		cfg->console = BE_CONSOLE_STDIO;
	else if (!strcmp(arg, "pty"))
		cfg->console = BE_CONSOLE_PTY;
	else if (!strcmp(arg, "none"))
		cfg->console = BE_CONSOLE_NONE;
	else if (!strncmp(arg, "file:", 5) && arg[5]) {
		cfg->console = BE_CONSOLE_FILE;
		cfg->console_path = arg + 5;
	} else
		return pvh_err(-EINVAL, err, errlen, "bad --console '%s': use "
			       "stdio, pty, file:PATH or none", arg);
	return 0;
}

static int set_xen(struct mon_config *cfg, const char *arg, char *err,
		   size_t errlen)
{
	cfg->xen = true;
	return 0;
}

static int set_on_reboot(struct mon_config *cfg, const char *arg, char *err,
			 size_t errlen)
{
	if (!strcmp(arg, "restart"))
		cfg->on_reboot = MON_ON_REBOOT_RESTART;
	else if (!strcmp(arg, "destroy"))
		cfg->on_reboot = MON_ON_REBOOT_DESTROY;
	else
		return pvh_err(-EINVAL, err, errlen, "bad --on-reboot '%s': "
			       "use restart or destroy", arg);
	return 0;
}

static bool pvh_stats;

static int set_stats(struct mon_config *cfg, const char *arg, char *err,
		     size_t errlen)
{
	pvh_stats = true;
	mon_exit_count_enable();
	return 0;
}

static const struct mon_option pvh_options[] = {
	{ "ramdisk", 'r', "FILE", "initrd for a PVH kernel (module 0)",
	  set_ramdisk },
	{ "cmdline", 'a', "STR", "kernel command line of a PVH kernel",
	  set_cmdline },
	{ "console", 0, "stdio|pty|file:PATH|none", "Xen PV console (hvc0) "
	  "backend (default stdio)", set_console },
	{ "xen", 0, NULL, "Xen personality even for a kernel without a PVH "
	  "note (implied for PVH kernels)", set_xen },
	{ "on-reboot", 0, "restart|destroy", "guest reboot: boot it again "
	  "(default for PVH kernels) or exit with status 5", set_on_reboot },
	{ "stats", 0, NULL, "print the VM's exit counters when it ends",
	  set_stats },
};
MON_OPTIONS(pvh, pvh_options);

/* ---------------------------------------------------------------- */
/* setup hooks                                                      */
/* ---------------------------------------------------------------- */

static int pvh_layout(struct mon_vm *vm, char *err, size_t errlen)
{
	memset(&pvh.info, 0, sizeof(pvh.info));
	pvh.boot_info = pvh.xen = false;
	/* the rings' pages, for any guest that may turn out to be PVH */
	if (vm->cfg->flat || vm->cfg->memory < 2 * PVH_HIGH_RAM_START)
		return 0;
	return pvh_mem_layout(&vm->mem, err, errlen);
}

static int read_ramdisk(const char *path, void **buf, size_t *len,
			char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return pvh_err(-errno, err, errlen, "cannot open ramdisk %s: "
			       "%s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !st.st_size) {
		close(fd);
		return pvh_err(-EINVAL, err, errlen, "ramdisk %s is not a "
			       "non-empty regular file", path);
	}
	*buf = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (*buf == MAP_FAILED)
		return pvh_err(-errno, err, errlen, "cannot read ramdisk %s: "
			       "%s", path, strerror(errno));
	*len = st.st_size;
	return 0;
}

static int pvh_image(struct mon_vm *vm, char *err, size_t errlen)
{
	/* main()'s config object; only this hook's field changes */
	struct mon_config *cfg = (struct mon_config *)vm->cfg;
	struct pvh_boot b = { .cmdline = cfg->cmdline, .vcpus = vm->nr_vcpus };
	void *rd = NULL;
	int r;

	if (!vm->image.pvh_entry) {
		if (cfg->ramdisk || cfg->cmdline)
			return pvh_err(-EINVAL, err, errlen, "--ramdisk and "
				       "--cmdline need a PVH kernel (a bzImage "
				       "or an ELF with a Xen PHYS32_ENTRY "
				       "note); %s has neither", cfg->kernel);
		/* --xen for another image: the rings, but no start_info */
		pvh.xen = cfg->xen;
		if (pvh.xen && pvh_special_pages(&vm->mem, &pvh.info))
			return pvh_err(-EINVAL, err, errlen, "--xen needs at "
				       "least 2 MiB of RAM and no --flat");
		return 0;
	}
	if (cfg->ramdisk) {
		r = read_ramdisk(cfg->ramdisk, &rd, &b.initrd_len, err, errlen);
		if (r < 0)
			return r;
		b.initrd = rd;
	}
	r = pvh_setup(&vm->mem, &vm->image, &b, &pvh.info, err, errlen);
	if (rd)
		munmap(rd, b.initrd_len);
	if (r < 0)
		return r;
	vm->start_info_gpa = pvh.info.start_info_gpa;
	pvh.boot_info = true;
	pvh.xen = true;
	if (cfg->console == BE_CONSOLE_STDIO && cfg->serial == MON_SERIAL_STDIO)
		cfg->console_owns_stdin = true;	/* COM1 keeps its output */
	mon_dbg("PVH: start_info %#" PRIx64 ", initrd %#" PRIx64 " (%zu "
		"bytes), %u memmap entries, ACPI at %#" PRIx64,
		pvh.info.start_info_gpa, pvh.info.initrd_gpa, b.initrd_len,
		pvh.info.memmap_entries, pvh.info.rsdp_gpa);
	return 0;
}

/* Allocate a guest port connected to the monitor, with its eventfds. */
static int bind_port(struct mon_vm *vm, int *efd, uint32_t *port,
		     const char *what, char *err, size_t errlen)
{
	struct hxen_evtchn_bind b = { .flags = HXEN_EVTCHN_ALLOC };

	efd[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	efd[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd[0] < 0 || efd[1] < 0)
		return pvh_err(-errno, err, errlen, "eventfd: %s",
			       strerror(errno));
	b.notify_fd = efd[0];
	b.kick_fd = efd[1];
	if (hxen_evtchn_bind(&vm->hvm, &b) < 0)
		return pvh_err(-EIO, err, errlen, "cannot allocate the %s "
			       "event channel: %s", what, hxen_last_error());
	*port = b.port;
	return 0;
}

static int set_param(struct mon_vm *vm, uint32_t idx, uint64_t val,
		     char *err, size_t errlen)
{
	if (hxen_xen_set_param(&vm->hvm, idx, val) < 0)
		return pvh_err(-EIO, err, errlen, "setting HVM param %u: %s",
			       idx, hxen_last_error());
	return 0;
}

static void console_escape(void *opaque)
{
	mon_vm_stop(opaque, MON_EXIT_POWEROFF, "Ctrl-] on the console");
}

static int start_backends(struct mon_vm *vm, char *err, size_t errlen)
{
	const struct xs_domain_info di = {
		.domid = PVH_DOMID, .name = vm->cfg->name,
		.mem_kib = vm->cfg->memory >> 10, .vcpus = vm->nr_vcpus,
		.store_port = pvh.store_port, .store_pfn = PVH_STORE_PFN,
		.console_port = pvh.console_port,
		.console_pfn = PVH_CONSOLE_PFN,
		.target_kib = mon_balloon_boot_kib(vm->cfg->memory >> 10),
	};
	struct xs_ring_page *ring = (void *)pvh.info.store_page;

	pvh.xs = xs_new(PVH_DOMID);
	if (!pvh.xs || xs_populate_domain(pvh.xs, &di))
		return pvh_err(-ENOMEM, err, errlen, "cannot build the "
			       "xenstore tree");
	ring->evtchn_port = pvh.store_port;
	pvh.xsb = (struct be_xenstore){
		.xs = pvh.xs, .ring = ring, .domid = PVH_DOMID,
		.notify_fd = pvh.efd[0], .kick_fd = pvh.efd[1],
	};
	if (be_xenstore_start(&pvh.xsb) < 0)
		return pvh_err(-EIO, err, errlen, "xenstore backend failed");
	pvh.xsb_up = true;
	pvh.con = (struct be_console){
		.ring = (void *)pvh.info.console_page,
		.notify_fd = pvh.efd[2], .kick_fd = pvh.efd[3],
		.mode = vm->cfg->console, .path = vm->cfg->console_path,
		.escape = console_escape, .opaque = vm,
	};
	if (be_console_start(&pvh.con) < 0)
		return pvh_err(-EIO, err, errlen, "console backend failed");
	pvh.con_up = true;
	return 0;
}

static struct xs *env_xs_lock(void *ctx)
{
	return pvh_xs_lock();
}

static void env_xs_unlock(void *ctx)
{
	pvh_xs_unlock();
}

static int env_bind_port(void *ctx, uint32_t port, int notify_fd,
			 int kick_fd)
{
	struct hxen_evtchn_bind b = {
		.port = port, .notify_fd = notify_fd, .kick_fd = kick_fd,
	};
	struct mon_vm *vm = ctx;

	if (hxen_evtchn_bind(&vm->hvm, &b) < 0) {
		mon_warn("event channel %u: %s", port, hxen_last_error());
		return -EINVAL;
	}
	return 0;
}

static void env_unbind_port(void *ctx, uint32_t port)
{
	struct mon_vm *vm = ctx;

	/* fails harmlessly when the guest closed the port first */
	hxen_evtchn_unbind(&vm->hvm, port);
}

/* xenbus backends (vbd, ...), after xenstore is up */
static int start_pv_devices(struct mon_vm *vm, char *err, size_t errlen)
{
	int r;

	pvh.env = (struct be_env){
		.domid = PVH_DOMID, .nr_vcpus = vm->nr_vcpus,
		.xs_lock = env_xs_lock, .xs_unlock = env_xs_unlock,
		.bind_port = env_bind_port, .unbind_port = env_unbind_port,
		.ctx = vm,
	};
	r = be_gnttab_init(&pvh.env.gnttab, pvh.gnttab, PVH_GRANT_FRAMES,
			   &vm->mem);
	if (r < 0)
		return pvh_err(r, err, errlen, "out of memory");
	r = be_core_start(&pvh.env, err, errlen);
	if (r < 0) {
		be_gnttab_fini(&pvh.env.gnttab);
		return r;
	}
	pvh.be_up = true;
	return 0;
}

static void pvh_xen_fini(struct mon_vm *vm);

static int ctl_shutdown(void *opaque, bool reboot)
{
	return pvh_request_shutdown(reboot);
}

static int pvh_xen(struct mon_vm *vm, char *err, size_t errlen)
{
	struct hxen_xen_config xc = {
		.domid = PVH_DOMID, .version = PVH_XEN_VERSION,
		.max_grant_frames = PVH_GRANT_FRAMES,
	};
	struct timespec ts;
	int r;

	if (!pvh.xen)
		return 0;
	if (!(vm->hx.caps.features & HXEN_CAP_XEN))
		return pvh_err(-ENOTSUP, err, errlen, "this hxen.ko has no Xen"
			       " layer (HXEN_CAP_XEN), which %s needs",
			       pvh.boot_info ? "a PVH kernel" : "--xen");
	pvh.gnttab = mmap(NULL, PVH_GRANT_FRAMES * 4096,
			  PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pvh.gnttab == MAP_FAILED) {
		pvh.gnttab = NULL;
		return pvh_err(-ENOMEM, err, errlen, "cannot map the grant "
			       "table");
	}
	xc.gnttab_uaddr = (uintptr_t)pvh.gnttab;
	/* UTC at guest system time 0, which the module starts now */
	clock_gettime(CLOCK_REALTIME, &ts);
	xc.wallclock_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (hxen_xen_config(&vm->hvm, &xc) < 0)
		return pvh_err(-EIO, err, errlen, "%s", hxen_last_error());
	r = bind_port(vm, &pvh.efd[0], &pvh.store_port, "xenstore", err,
		      errlen);
	if (!r)
		r = bind_port(vm, &pvh.efd[2], &pvh.console_port, "console",
			      err, errlen);
	if (!r)
		r = set_param(vm, HVM_PARAM_STORE_PFN, PVH_STORE_PFN, err,
			      errlen);
	if (!r)
		r = set_param(vm, HVM_PARAM_STORE_EVTCHN, pvh.store_port, err,
			      errlen);
	if (!r)
		r = set_param(vm, HVM_PARAM_CONSOLE_PFN, PVH_CONSOLE_PFN, err,
			      errlen);
	if (!r)
		r = set_param(vm, HVM_PARAM_CONSOLE_EVTCHN, pvh.console_port,
			      err, errlen);
	if (!r)
		r = start_backends(vm, err, errlen);
	if (!r)
		r = start_pv_devices(vm, err, errlen);
	if (!r)
		ctl_set_guest_shutdown(ctl_shutdown, NULL);
	if (!r)
		mon_dbg("Xen: domid %u, xenstore port %u, console port %u",
			PVH_DOMID, pvh.store_port, pvh.console_port);
	else	/* the fini hook only runs for hooks that succeeded */
		pvh_xen_fini(NULL);
	return r;
}

/* Exit counters of the module's run pages (make bench reads them). */
static void print_stats(struct mon_vm *vm)
{
	unsigned long long exits = 0, user = 0, hlt = 0;
	char hot[256];

	for (unsigned int i = 0; vm->vcpus && i < vm->nr_vcpus; i++) {
		const struct hxen_run *run = vm->vcpus[i].hv.run;

		if (!run)
			continue;
		exits += run->stat_exits;
		user += run->stat_user_exits;
		hlt += run->stat_hlt_wakeups;
	}
	mon_info("stats: exits %llu, user-space exits %llu, hlt wakeups %llu,"
		 " xenstore events %llu, console notifications %llu", exits,
		 user, hlt, pvh.xsb.events, (unsigned long long)pvh.con.kicks);
	mon_exit_hot_spots(hot, sizeof(hot), 6);
	if (hot[0])
		mon_info("stats: busiest user-space exits: %s", hot);
}

static void pvh_xen_fini(struct mon_vm *vm)
{
	if (pvh_stats && vm)
		print_stats(vm);
	ctl_set_guest_shutdown(NULL, NULL);
	if (pvh.be_up) {
		be_core_stop();
		be_gnttab_fini(&pvh.env.gnttab);
	}
	pvh.be_up = false;
	if (pvh.con_up)
		be_console_stop(&pvh.con);
	if (pvh.xsb_up)
		be_xenstore_stop(&pvh.xsb);
	pvh.con_up = pvh.xsb_up = false;
	xs_free(pvh.xs);
	pvh.xs = NULL;
	for (int i = 0; i < 4; i++) {
		if (pvh.efd[i] >= 0)
			close(pvh.efd[i]);
		pvh.efd[i] = -1;
	}
	if (pvh.gnttab)
		munmap(pvh.gnttab, PVH_GRANT_FRAMES * 4096);
	pvh.gnttab = NULL;
}

static struct mon_hook pvh_layout_hook = {
	.name = "pvh", .phase = MON_PHASE_LAYOUT, .fn = pvh_layout,
};
static struct mon_hook pvh_image_hook = {
	.name = "pvh", .phase = MON_PHASE_IMAGE, .fn = pvh_image,
};
static struct mon_hook pvh_xen_hook = {
	.name = "pvh-xen", .phase = MON_PHASE_VM, .fn = pvh_xen,
	.fini = pvh_xen_fini,
};
MON_HOOK(pvh_layout_hook)
MON_HOOK(pvh_image_hook)
MON_HOOK(pvh_xen_hook)

/* ---------------------------------------------------------------- */
/* toolstack requests                                               */
/* ---------------------------------------------------------------- */

struct xs *pvh_xs_lock(void)
{
	if (!pvh.xsb_up)
		return NULL;
	be_xenstore_lock(&pvh.xsb);
	return pvh.xs;
}

void pvh_xs_unlock(void)
{
	be_xenstore_unlock(&pvh.xsb);
}

int pvh_request_shutdown(bool reboot)
{
	char path[64];
	int r;

	if (!pvh.xsb_up)
		return -EOPNOTSUPP;
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
		 PVH_DOMID);
	r = xs_write(pvh_xs_lock(), path, reboot ? "reboot" : "poweroff");
	pvh_xs_unlock();
	return r;
}

/* `hxen mem-set` (monitor/balloon.c): the balloon driver's target. */
int pvh_mem_target(uint64_t kib)
{
	char path[64];
	int r;

	if (!pvh.xsb_up)
		return -EOPNOTSUPP;
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", PVH_DOMID);
	r = xs_writef(pvh_xs_lock(), path, "%llu", (unsigned long long)kib);
	pvh_xs_unlock();
	return r;
}

bool pvh_booted(void)
{
	return pvh.boot_info;
}

bool pvh_reboot_restarts(const struct mon_config *cfg)
{
	return cfg->on_reboot == MON_ON_REBOOT_RESTART ||
	       (cfg->on_reboot == MON_ON_REBOOT_AUTO && pvh.boot_info);
}

/* ---------------------------------------------------------------- */
/* save/restore (monitor/state_*.c)                                 */
/* ---------------------------------------------------------------- */

void *pvh_gnttab(unsigned int *frames)
{
	*frames = PVH_GRANT_FRAMES;
	return pvh.be_up ? pvh.gnttab : NULL;
}

struct be_console *pvh_console(void)
{
	return pvh.con_up ? &pvh.con : NULL;
}

void pvh_note_held_grants(void)
{
	if (pvh.be_up)
		be_gnttab_note_held(&pvh.env.gnttab);
}

/*
 * After a restore: look at the xenstore and console rings as if the guest
 * had notified (a notification sent just before the save is not in it).
 */
void pvh_backends_poke(void)
{
	for (int i = 0; i < 4; i += 2)
		if (pvh.efd[i] >= 0)
			be_eventfd_signal(pvh.efd[i], "restore");
}
