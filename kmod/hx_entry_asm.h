/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the world-switch stubs (svm_entry.S, vmx_entry.S): offsets of
 * the GPRs in struct hxen_regs, and scrubbing guest values from
 * caller-saved registers after an exit.
 */
#ifndef HX_ENTRY_ASM_H
#define HX_ENTRY_ASM_H

#define R_RAX	0
#define R_RBX	8
#define R_RCX	16
#define R_RDX	24
#define R_RSI	32
#define R_RDI	40
#define R_RSP	48
#define R_RBP	56
#define R_R8	64
#define R_R9	72
#define R_R10	80
#define R_R11	88
#define R_R12	96
#define R_R13	104
#define R_R14	112
#define R_R15	120

#ifdef __ASSEMBLY__
/*
 * Guest GPRs other than RAX and RDI, from/to struct hxen_regs at \base.
 * RAX and RDI are each stub's own business: SVM keeps RAX in the VMCB and
 * uses it as the pointer, VMX uses RDI as the pointer.  \base must be
 * neither of the registers moved here.
 */
.macro HX_GPRS_LOAD base
	mov	R_RBX(\base), %rbx
	mov	R_RCX(\base), %rcx
	mov	R_RDX(\base), %rdx
	mov	R_RSI(\base), %rsi
	mov	R_RBP(\base), %rbp
	mov	R_R8(\base), %r8
	mov	R_R9(\base), %r9
	mov	R_R10(\base), %r10
	mov	R_R11(\base), %r11
	mov	R_R12(\base), %r12
	mov	R_R13(\base), %r13
	mov	R_R14(\base), %r14
	mov	R_R15(\base), %r15
.endm

.macro HX_GPRS_STORE base
	mov	%rbx, R_RBX(\base)
	mov	%rcx, R_RCX(\base)
	mov	%rdx, R_RDX(\base)
	mov	%rsi, R_RSI(\base)
	mov	%rbp, R_RBP(\base)
	mov	%r8, R_R8(\base)
	mov	%r9, R_R9(\base)
	mov	%r10, R_R10(\base)
	mov	%r11, R_R11(\base)
	mov	%r12, R_R12(\base)
	mov	%r13, R_R13(\base)
	mov	%r14, R_R14(\base)
	mov	%r15, R_R15(\base)
.endm

/* Do not leave guest values in caller-saved registers. */
.macro HX_CLEAR_SCRATCH
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%eax, %eax
.endm
#endif

#endif /* HX_ENTRY_ASM_H */
