/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libhxen: a thin, versioned C wrapper over the /dev/hxen ioctls of
 * include/hxen/hxen.h, shared by hxen-monitor, the tools and the tests.
 *
 * Conventions:
 *  - every function returns 0 (or a count where documented) on success and
 *    a negative errno on failure; nothing touches the global errno contract;
 *  - arguments are checked in user space first (NULL, alignment, sizes,
 *    reserved fields) and rejected with -EINVAL before any ioctl, so bad
 *    calls fail the same way whether or not a module is loaded;
 *  - on failure a human-readable explanation (what went wrong and what to
 *    do) is kept per thread and returned by hxen_last_error().
 *
 * Thread safety: handles are plain fds.  hxen_vcpu_interrupt() and
 * hxen_vcpu_kick() may be called from any thread while another thread is
 * inside hxen_vcpu_run() on the same vCPU.
 */
#ifndef _HXEN_LIBHXEN_H
#define _HXEN_LIBHXEN_H

#include <stddef.h>
#include <stdint.h>
#include "hxen/hxen.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HXEN_LIB_VERSION_MAJOR	0
#define HXEN_LIB_VERSION_MINOR	1
#define HXEN_LIB_VERSION_PATCH	0

/* "0.1.0 (ABI 1)": the library's own version and the ABI it speaks. */
const char *hxen_lib_version(void);

/* Explanation of the last failure in this thread ("" if none). */
const char *hxen_last_error(void);

/* Name of an enum hxen_exit_reason value ("io", "mmio", ...; "?" if unknown). */
const char *hxen_exit_name(uint32_t reason);

/* ------------------------------------------------------------------ */
/* /dev/hxen                                                          */
/* ------------------------------------------------------------------ */

struct hxen {
	int fd;
	struct hxen_version version;	/* filled by hxen_open() */
	struct hxen_caps caps;		/* filled by hxen_open() */
};

/*
 * Open @path (NULL: HXEN_DEVICE), check the ABI version and read the
 * capabilities.  Errors: -ENOENT (module not loaded), -EACCES (permission),
 * -EPROTO (ABI mismatch), -ENOTTY (not an hxen device), others from open().
 */
int hxen_open(struct hxen *hx, const char *path);
void hxen_close(struct hxen *hx);
int hxen_get_version(struct hxen *hx, struct hxen_version *ver);
int hxen_get_caps(struct hxen *hx, struct hxen_caps *caps);

/* ------------------------------------------------------------------ */
/* VM                                                                 */
/* ------------------------------------------------------------------ */

struct hxen_vm {
	int fd;
	struct hxen *hx;
};

int hxen_vm_create(struct hxen *hx, struct hxen_vm *vm);
void hxen_vm_destroy(struct hxen_vm *vm);

/*
 * Add a slot (size != 0) or remove it (size == 0).  gpa, size and the
 * host address must be 4 KiB aligned, gpa + size must not wrap nor pass
 * caps.max_gpa, flags only HXEN_MEM_*.
 */
int hxen_vm_set_slot(struct hxen_vm *vm, const struct hxen_memory_slot *s);
int hxen_vm_add_slot(struct hxen_vm *vm, uint32_t slot, uint32_t flags,
		     uint64_t gpa, uint64_t size, void *host);
int hxen_vm_remove_slot(struct hxen_vm *vm, uint32_t slot);
/* @bitmap: (slot_size / 4096 + 63) / 64 words, 8-byte aligned. */
int hxen_vm_get_dirty_log(struct hxen_vm *vm, uint32_t slot, uint64_t *bitmap);

/* CPU levelling: what a VM with no mask is shown here; a VM's mask and view. */
int hxen_get_supported_cpuid(struct hxen *hx, struct hxen_cpuid_features *f);
int hxen_vm_set_cpuid_mask(struct hxen_vm *vm, const struct hxen_cpuid_features *mask);
int hxen_vm_get_cpuid(struct hxen_vm *vm, struct hxen_cpuid_features *f);

/* Xen personality (see the HXEN_XEN_* comments in hxen.h). */
int hxen_xen_config(struct hxen_vm *vm, const struct hxen_xen_config *cfg);
int hxen_xen_get_param(struct hxen_vm *vm, uint32_t index, uint64_t *value);
int hxen_xen_set_param(struct hxen_vm *vm, uint32_t index, uint64_t value);
/* On success with HXEN_EVTCHN_ALLOC, b->port holds the new port. */
int hxen_evtchn_bind(struct hxen_vm *vm, struct hxen_evtchn_bind *b);
int hxen_evtchn_unbind(struct hxen_vm *vm, uint32_t port);

/* ------------------------------------------------------------------ */
/* vCPU                                                               */
/* ------------------------------------------------------------------ */

struct hxen_vcpu {
	int fd;
	uint32_t id;
	struct hxen_run *run;		/* the mmapped run page */
	struct hxen_vm *vm;
};

int hxen_vcpu_create(struct hxen_vm *vm, uint32_t id, struct hxen_vcpu *vcpu);
void hxen_vcpu_destroy(struct hxen_vcpu *vcpu);

/* Enter the guest until an exit for user space: 0, or -EINTR, -errno. */
int hxen_vcpu_run(struct hxen_vcpu *vcpu);

int hxen_vcpu_get_regs(struct hxen_vcpu *vcpu, struct hxen_regs *regs);
int hxen_vcpu_set_regs(struct hxen_vcpu *vcpu, const struct hxen_regs *regs);
int hxen_vcpu_get_sregs(struct hxen_vcpu *vcpu, struct hxen_sregs *sregs);
int hxen_vcpu_set_sregs(struct hxen_vcpu *vcpu, const struct hxen_sregs *sregs);
/* Return the number of entries processed (the module stops at the first
 * MSR it does not handle), or -errno.  n <= HXEN_MAX_MSRS. */
int hxen_vcpu_get_msrs(struct hxen_vcpu *vcpu, struct hxen_msr_entry *e,
		       uint32_t n);
int hxen_vcpu_set_msrs(struct hxen_vcpu *vcpu, const struct hxen_msr_entry *e,
		       uint32_t n);
int hxen_vcpu_get_fpu(struct hxen_vcpu *vcpu, struct hxen_fpu *fpu);
int hxen_vcpu_set_fpu(struct hxen_vcpu *vcpu, const struct hxen_fpu *fpu);
/* Queue external interrupt @vector (32..255); any thread. */
int hxen_vcpu_interrupt(struct hxen_vcpu *vcpu, uint32_t vector);
/* Force hxen_vcpu_run() out with HXEN_EXIT_KICKED; any thread. */
int hxen_vcpu_kick(struct hxen_vcpu *vcpu);

#ifdef __cplusplus
}
#endif

#endif /* _HXEN_LIBHXEN_H */
