// SPDX-License-Identifier: GPL-2.0
/*
 * --restore FILE: start the VM a state stream describes, where it stopped.
 * The monitor is started with the saved command line (hxen restore reads
 * it from the CONFIG record), sets the VM up as for a boot, and then,
 * before any vCPU runs, replaces its state:
 *
 *   LAYOUT hook  read the stream and check all of it but the RAM data
 *                (monitor/stream.c), and that its RAM layout and vCPU
 *                count are this VM's
 *   IMAGE hook   guest RAM back to zeros (the boot loader's image is not
 *                the VM's), then one pass over the RAM data (on several
 *                threads, hxs_load_ram) checks it and loads the pages as
 *                it checks them: nothing is created (no /dev/hxen yet)
 *                before this passes
 *   VM hook      the special pages, vCPUs, TSC, the module's Xen state,
 *                the grant table, xenstore, then the devices reconnect
 *
 * --incoming (state_incoming.c) takes the same path: the head of the
 * stream in the LAYOUT hook, the rest (RAM straight into guest RAM, then
 * the machine records, checked whole) in the VM hook.
 *
 * The guest is not told (no suspend handshake): its frontends stay
 * Connected, its clock goes on from the saved system time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "devices/be_core.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/pvh.h"
#include "monitor/state.h"

static struct {
	const char *path;	/* --restore */
	const char *what;	/* for messages: the path, or the migration */
	void *buf;
	size_t len;
	struct hxs_file f;
	bool looked;		/* @f: all but RAM data checked */
	bool parsed;		/* @f: all checked */
	bool incoming;
	bool mapped;		/* @buf: the file mapped, not a copy */
} rs;

static int set_restore(struct mon_config *cfg, const char *arg, char *err,
		       size_t errlen)
{
	rs.path = arg;
	return 0;
}

static int set_paused(struct mon_config *cfg, const char *arg, char *err,
		      size_t errlen)
{
	mon_ctl_start_paused();
	return 0;
}

static const struct mon_option restore_options[] = {
	{ "restore", 0, "FILE",
	  "start from the state saved in FILE (hxen save) instead of booting",
	  set_restore },
	{ "paused", 0, NULL,
	  "start with the vCPUs paused (hxen unpause lets them run)",
	  set_paused },
};
MON_OPTIONS(restore, restore_options);

static int refuse(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "cannot restore %s: %s", rs.what, why);
	return -EINVAL;
}

/*
 * The save file shrank under its mapping (stream_map.c): what was read
 * since may be zeros.  Said instead of whatever check that tripped.
 */
static bool cut_short(char *err, size_t errlen)
{
	if (!rs.mapped || !hxs_map_shrank(rs.buf))
		return false;
	refuse(err, errlen, "the file was cut short while it was being read "
	       "(did something rewrite or truncate it?)");
	return true;
}

static int check_layout(struct mon_vm *vm, char *err, size_t errlen)
{
	struct hxs_parse_opts o = { .mode = HXS_PARSE_LIGHT };
	char why[300];
	unsigned int nreg = 0, backed = 0;

	rs.incoming = state_incoming_on();
	if (!rs.path && !rs.incoming)
		return 0;
	rs.what = rs.incoming ? "the incoming migration" : rs.path;
	if (rs.incoming) {
		o.mode = HXS_PARSE_HEAD;
		if (state_incoming_head(&rs.buf, &rs.len, why, sizeof(why)))
			return refuse(err, errlen, why);
	} else if (hxs_map_file(rs.path, true, &rs.buf, &rs.len, why,
				sizeof(why))) {
		return refuse(err, errlen, why);
	} else {
		rs.mapped = true;
	}
	if (hxs_parse_opts(rs.buf, rs.len, &rs.f, &o, why, sizeof(why)))
		return cut_short(err, errlen) ? -EIO : refuse(err, errlen, why);
	rs.looked = true;
	if (rs.f.cpuid)		/* checked against this host once the VM exists */
		mon_cpuid_restore(rs.f.cpuid);
	else
		mon_warn("%s has no CPUID record (an older hxen saved it): the "
			 "guest is shown this host's CPU", rs.what);
	if (rs.f.cfg->vcpus != vm->nr_vcpus || rs.f.cfg->memory != vm->cfg->memory)
		return refuse(err, errlen, "it was saved with another memory "
			      "size or vCPU count than given here");
	for (unsigned int i = 0; i < vm->mem.n; i++)
		backed += vm->mem.r[i].backed;
	for (unsigned int i = 0; i < rs.f.n; i++) {
		const struct hxs_ram_region *g = (const void *)rs.f.recs[i].body;
		unsigned int k;

		if (rs.f.recs[i].type != HXS_RAM_REGION)
			continue;
		nreg++;
		for (k = 0; k < vm->mem.n; k++)
			if (vm->mem.r[k].backed && vm->mem.r[k].gpa == g->gpa &&
			    vm->mem.r[k].size == g->size)
				break;
		if (k == vm->mem.n)
			return refuse(err, errlen, "its RAM layout differs from "
				      "this VM's");
	}
	if (nreg != backed)
		return refuse(err, errlen, "its RAM layout differs from this VM's");
	return 0;
}

static void free_file(struct mon_vm *vm)
{
	hxs_file_free(&rs.f);
	if (rs.mapped)
		hxs_unmap_file(rs.buf, rs.len);
	else
		free(rs.buf);
	rs.buf = NULL;
	rs.mapped = rs.looked = rs.parsed = false;
	if (rs.incoming)
		state_incoming_free();
}

static struct mon_hook state_check_hook = {
	.name = "state-check", .phase = MON_PHASE_LAYOUT, .fn = check_layout,
	.fini = free_file,
};
MON_HOOK(state_check_hook)

/* RAM pages go straight into guest RAM (the special pages: apply()). */
static uint8_t *page_dst(void *opaque, uint64_t gpa)
{
	struct mon_vm *vm = opaque;

	for (unsigned int k = 0; k < vm->mem.n; k++) {
		const struct mon_mem_region *g = &vm->mem.r[k];

		if (g->type == MON_MEM_RAM && g->host && gpa >= g->gpa &&
		    gpa - g->gpa < g->size)
			return g->host + (gpa - g->gpa);
	}
	return NULL;
}

/* IMAGE phase: after the boot loader, before /dev/hxen is opened. */
static int load(struct mon_vm *vm, char *err, size_t errlen)
{
	char why[300];
	double t0 = state_now_ms();

	if (!rs.looked)
		return 0;
	/*
	 * Zeros again (a fresh anonymous mapping reads as zeros): pages the
	 * stream has no record of were zero.  Nothing is pinned yet.
	 */
	if (vm->mem.map && madvise(vm->mem.map, vm->mem.map_size, MADV_DONTNEED))
		return refuse(err, errlen, "guest RAM could not be cleared");
	if (rs.incoming)
		return 0;
	/* with the light look: a full check, RAM loaded on several threads */
	if (hxs_load_ram(&rs.f, page_dst, vm, why, sizeof(why)))
		return cut_short(err, errlen) ? -EIO : refuse(err, errlen, why);
	if (cut_short(err, errlen))
		return -EIO;
	rs.parsed = true;
	mon_dbg("%s checked and its RAM loaded in %.0f ms", rs.what,
		state_now_ms() - t0);
	return 0;
}

static struct mon_hook state_load_hook = {
	.name = "state-load", .phase = MON_PHASE_IMAGE, .fn = load,
};
MON_HOOK(state_load_hook)

/* ---- applying ---- */

/* The regions page_dst() left out (the special pages): small. */
static int restore_ram(struct mon_vm *vm, char *err, size_t errlen)
{
	for (unsigned int k = 0; k < vm->mem.n; k++) {
		struct mon_mem_region *g = &vm->mem.r[k];
		uint8_t *seen;

		if (!g->host || g->type == MON_MEM_RAM)
			continue;
		seen = calloc(g->size / HXS_PAGE, 1);
		if (!seen)
			return refuse(err, errlen, "out of memory");
		for (unsigned int i = 0; i < rs.f.n; i++) {
			const struct hxs_rec *r = &rs.f.recs[i];
			const struct hxs_ram *h = (const void *)r->body;

			if (r->type != HXS_RAM || h->gpa < g->gpa ||
			    h->gpa >= g->gpa + g->size)
				continue;
			for (uint32_t p = 0; p < h->npages; p++) {
				uint64_t off = h->gpa - g->gpa + (uint64_t)p * HXS_PAGE;

				if (hxs_ram_page(r, p, g->host + off)) {
					free(seen);
					return refuse(err, errlen, "a RAM page "
						      "does not decompress");
				}
				seen[off / HXS_PAGE] = 1;
			}
		}
		/* pages with no record were zero (the boot wrote some) */
		for (uint64_t p = 0; p < g->size / HXS_PAGE; p++) {
			uint64_t *q = (uint64_t *)(g->host + p * HXS_PAGE);

			if (seen[p])
				continue;
			for (unsigned int w = 0; w < HXS_PAGE / 8; w++)
				if (q[w]) {
					memset(q, 0, HXS_PAGE);
					break;
				}
		}
		free(seen);
	}
	return 0;
}

static int kerr(char *err, size_t errlen, const char *what, unsigned int id)
{
	snprintf(err, errlen, "cannot restore %s: the module refused %s of "
		 "vCPU %u: %s", rs.what, what, id, strerror(errno));
	return -EINVAL;
}

static int restore_vcpu(struct mon_vm *vm, const struct hxs_rec *r,
			char *err, size_t errlen)
{
	const struct hxs_vcpu *h = (const void *)r->body;
	const struct hxen_msr_entry *msrs = (const void *)(h + 1);
	static struct hxen_fpu fpu;
	struct hxen_msr_entry e[HXEN_MAX_MSRS];
	struct mon_vcpu *v = &vm->vcpus[h->id];

	memset(&fpu, 0, sizeof(fpu));
	fpu.xcr0 = h->xcr0;
	fpu.size = h->fpu_size;
	memcpy(fpu.region, (const uint8_t *)(msrs + h->nmsrs), h->fpu_size);
	memcpy(e, msrs, h->nmsrs * sizeof(*e));
	if (hxen_vcpu_set_sregs(&v->hv, &h->sregs) < 0)
		return kerr(err, errlen, "the segment and control registers", h->id);
	if (hxen_vcpu_set_regs(&v->hv, &h->regs) < 0)
		return kerr(err, errlen, "the registers", h->id);
	if (hxen_vcpu_set_msrs(&v->hv, e, h->nmsrs) != (int)h->nmsrs)
		return kerr(err, errlen, "an MSR", h->id);
	if (hxen_vcpu_set_fpu(&v->hv, &fpu) < 0)
		return kerr(err, errlen, "the FPU state", h->id);
	if (ioctl(v->hv.fd, HXEN_SET_VCPU_STATE, &h->state) < 0)
		return kerr(err, errlen, "the event/LAPIC state", h->id);
	return 0;
}

static const struct hxs_rec *find(uint32_t type)
{
	for (unsigned int i = 0; i < rs.f.n; i++)
		if (rs.f.recs[i].type == type)
			return &rs.f.recs[i];
	return NULL;
}

static int restore_xen(struct mon_vm *vm, char *err, size_t errlen)
{
	const struct hxs_rec *x = find(HXS_XEN), *g = find(HXS_GNTTAB);
	struct hxen_xen_state_io io;
	unsigned int frames;
	void *gnt = pvh_gnttab(&frames);

	if (!x)
		return gnt ? refuse(err, errlen, "the saved VM had no Xen "
				    "layer, this one has") : 0;
	if (!gnt)
		return refuse(err, errlen, "the saved VM had a Xen layer, this "
			      "one has not");
	io = (struct hxen_xen_state_io){ (uintptr_t)x->body,
					 sizeof(struct hxen_xen_state), 0 };
	if (ioctl(vm->hvm.fd, HXEN_XEN_SET_STATE, &io) < 0)
		return kerr(err, errlen, "the Xen state (shared_info, event "
			    "channels, grant frames)", 0);
	for (unsigned int i = 0; i < rs.f.n; i++) {
		const struct hxs_xen_vcpu *v = (const void *)rs.f.recs[i].body;

		if (rs.f.recs[i].type != HXS_XEN_VCPU)
			continue;
		if (ioctl(vm->vcpus[v->id].hv.fd, HXEN_XEN_SET_VCPU_STATE, &v->st) < 0)
			return kerr(err, errlen, "the Xen state", v->id);
	}
	if (g) {
		const struct hxs_gnttab *h = (const void *)g->body;

		if (h->frames != frames)
			return refuse(err, errlen, "its grant table has another size");
		if (hxs_decompress(h + 1, g->length - sizeof(*h), gnt,
				   (size_t)frames * HXS_PAGE))
			return refuse(err, errlen, "its grant table does not "
				      "decompress");
	}
	return 0;
}

static int apply(struct mon_vm *vm, char *err, size_t errlen)
{
	const struct hxs_rec *r;
	struct xs *xs;
	char why[300];
	int e;

	if (rs.incoming && rs.looked) {
		/* the rest of the stream: RAM lands as it comes */
		hxs_file_free(&rs.f);
		free(rs.buf);
		rs.buf = NULL;
		rs.looked = false;
		if (state_incoming_rest(vm, &rs.buf, &rs.len, why, sizeof(why)) ||
		    hxs_parse(rs.buf, rs.len, &rs.f, why, sizeof(why)))
			return refuse(err, errlen, why);
		rs.parsed = true;
	}
	if (!rs.parsed)
		return 0;
	e = rs.incoming ? 0 : restore_ram(vm, err, errlen);
	for (unsigned int i = 0; !e && i < rs.f.n; i++)
		if (rs.f.recs[i].type == HXS_VCPU)
			e = restore_vcpu(vm, &rs.f.recs[i], err, errlen);
	if (e)
		return e;
	/* every vCPU's TSC at once, then the pvclock is rebased on it */
	r = find(HXS_TSC);
	if (ioctl(vm->hvm.fd, HXEN_SET_TSC, r->body) < 0)
		return kerr(err, errlen, "the TSC", 0);
	e = restore_xen(vm, err, errlen);
	if (e)
		return e;
	xs = pvh_xs_lock();
	r = find(HXS_XENSTORE);
	if ((r != NULL) != (xs != NULL)) {
		if (xs)
			pvh_xs_unlock();
		return refuse(err, errlen, "xenstore saved but not configured, "
			      "or the other way round");
	}
	if (xs && state_xs_load(xs, r->body, r->length)) {
		pvh_xs_unlock();
		return refuse(err, errlen, "its xenstore could not be rebuilt");
	}
	e = state_dev_load(&rs.f, err, errlen);
	if (xs)
		pvh_xs_unlock();
	if (cut_short(err, errlen))	/* before any vCPU runs on it */
		return -EIO;
	if (e)
		return e;
	pvh_backends_poke();
	mon_info("restored from %s (%zu bytes)", rs.what, rs.len);
	/* the file is not needed any more; a guest reboot boots afresh */
	free_file(vm);
	rs.path = NULL;
	rs.incoming = false;
	return 0;
}

/* After pvh-xen (xenstore, backends) and state-note, before the vCPUs run. */
static struct mon_hook state_restore_hook = {
	.name = "state-restore", .phase = MON_PHASE_VM, .fn = apply,
};
MON_HOOK(state_restore_hook)
