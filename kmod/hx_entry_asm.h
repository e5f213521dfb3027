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
