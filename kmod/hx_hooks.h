/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks from the module core into the Xen layer (hx_xen*.c, xen/).
 *
 * hx_hooks.c defines every hook as a __weak default that behaves as "no
 * Xen layer": the Xen helper's files provide strong definitions with the
 * same prototypes, and the linker picks those when they are built in
 * (kmod/Kbuild adds the hx_xen and xen/ sources automatically).
 *
 * Calling context: the vcpu hooks run on the vCPU thread inside HXEN_RUN
 * with vcpu->lock held and preemption ENABLED (they may sleep unless noted)
 * and with vm->mem_lock held for read (guest memory access via
 * hx_gpa_read/write and hx_copy_from/to_guest is allowed).
 */
#ifndef HX_HOOKS_H
#define HX_HOOKS_H

#include <linux/types.h>

struct hx_vm;
struct hx_vcpu;

/* Return values of hx_xen_hypercall(). */
#define HX_HCALL_DONE		0	/* advance RIP, re-enter the guest */
#define HX_HCALL_RETRY		1	/* continuation: re-execute VMMCALL */
#define HX_HCALL_EXIT		2	/* advance RIP, exit to user; hook set run->exit_reason */
#define HX_HCALL_BLOCK		3	/* advance RIP, sleep as HLT with IF=1 until an event */

/* True when the Xen layer is built in (sets HXEN_CAP_XEN). */
bool hx_xen_present(void);

/*
 * VM-fd ioctls HXEN_IOC 0x20..0x3f (HXEN_XEN_CONFIG ...), with vm->lock
 * NOT held.  Default: -ENOTTY.  HXEN_XEN_CONFIG sets vm->xen.
 */
long hx_xen_vm_ioctl(struct hx_vm *vm, unsigned int cmd, unsigned long arg);

/* The following are called only when vm->xen != NULL. */

/*
 * VMMCALL (hx_run.c, hx_exit_hypercall()).  RIP still points at the
 * VMMCALL/VMCALL instruction (@insn_len bytes); the core moves it
 * according to the return value (HX_HCALL_*), or -errno → internal error.
 * Without a Xen layer VMMCALL injects #UD.
 */
int hx_xen_hypercall(struct hx_vcpu *vcpu, u32 insn_len);

/*
 * Upcall vector the Xen layer wants delivered (evtchn_upcall_pending with
 * a callback vector), or -1.  Peek only, must not sleep: called before
 * every entry with preemption disabled.  When the core injects it, it
 * calls hx_xen_vector_injected() (preemption disabled, must not sleep).
 */
int hx_xen_pending_vector(struct hx_vcpu *vcpu);
void hx_xen_vector_injected(struct hx_vcpu *vcpu, int vector);

/*
 * HX_HALT sleep (HLT, or HX_HCALL_BLOCK for SCHEDOP_poll/block): true
 * when the Xen layer wants the vCPU to run again: an upcall it can take
 * (RFLAGS.IF), or a polled port fired / the poll timed out, even with
 * IF=0.  Must not sleep.  Default: false.
 */
bool hx_xen_wake_pending(struct hx_vcpu *vcpu);

/*
 * CPUID leaves 0x40000000..0x400000ff (hypervisor range); return true if
 * @out (eax, ebx, ecx, edx) was filled.  Not called otherwise → zeros.
 * Must not sleep.
 */
bool hx_xen_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u32 out[4]);

/*
 * MSRs the core does not know (e.g. the hypercall-page MSR 0x40000000).
 * Return 0 handled, -ENOENT not a Xen MSR (core injects #GP), other
 * -errno: inject #GP.
 */
int hx_xen_rdmsr(struct hx_vcpu *vcpu, u32 index, u64 *val);
int hx_xen_wrmsr(struct hx_vcpu *vcpu, u32 index, u64 val);

/* vCPU created while vm->xen is set (XEN_CONFIG may come before or after). */
int hx_xen_vcpu_create(struct hx_vcpu *vcpu);
/* Teardown: vcpu first (vcpu->xen), then the VM (vm->xen); may sleep. */
void hx_xen_vcpu_destroy(struct hx_vcpu *vcpu);
void hx_xen_vm_destroy(struct hx_vm *vm);

/*
 * Guest memory the Xen layer maps outside the slots (grant-table frames,
 * from the monitor's memory, on demand as RAM is: docs/kmod.md).
 * hx_xen_npf: a nested page fault at @gpa outside every slot; 0 if it was
 * such a frame (mapped now, or to be faulted again), -ENOENT if not ours
 * (MMIO), -EFAULT if the monitor no longer maps it.  Default: -ENOENT.
 * hx_xen_zap_hva (vm->mmu_lock held, must not sleep): the MMU notifier
 * invalidates the monitor's [start, end): drop what maps it; returns the
 * number of nested entries dropped.  Default: 0.
 */
int hx_xen_npf(struct hx_vcpu *vcpu, u64 gpa);
unsigned long hx_xen_zap_hva(struct hx_vm *vm, unsigned long start, unsigned long end);

/* debugfs (hx_debugfs.c): the Xen layer's part of a VM's state file. */
struct seq_file;
void hx_xen_debug_show(struct seq_file *m, struct hx_vm *vm);

#endif /* HX_HOOKS_H */
