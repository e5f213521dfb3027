/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SVM world switch.  Called with IRQs off and GIF=0 (CLGI done by svm.c):
 *
 *   void svm_vmrun_asm(u64 vmcb_pa, u64 host_save_pa, struct hxen_regs *regs)
 *
 * VMSAVE/VMLOAD swap the state VMRUN does not (FS/GS/TR/LDTR hidden
 * parts, KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK, SYSENTER_*) [APM 15.5.2];
 * VMRUN/#VMEXIT switch the rest through the VM_HSAVE_PA area.  Guest
 * RAX/RSP/RIP/RFLAGS live in the VMCB; the other GPRs are loaded from and
 * stored to @regs here (offsets follow struct hxen_regs).
 *
 * STI right before VMRUN lets physical interrupts cause #VMEXIT(INTR):
 * with V_INTR_MASKING they are gated by the host IF saved at VMRUN
 * [APM 15.21.1], and GIF=0 keeps them pending until STGI after the exit.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include "hx_entry_asm.h"


	.text
SYM_FUNC_START(svm_vmrun_asm)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx			/* 16(%rsp): regs */
	push	%rdi			/*  8(%rsp): vmcb_pa */
	push	%rsi			/*  0(%rsp): host_save_pa */

	mov	%rsi, %rax
	vmsave	%rax

	mov	%rdx, %rax
	mov	R_RBX(%rax), %rbx
	mov	R_RCX(%rax), %rcx
	mov	R_RDX(%rax), %rdx
	mov	R_RSI(%rax), %rsi
	mov	R_RDI(%rax), %rdi
	mov	R_RBP(%rax), %rbp
	mov	R_R8(%rax), %r8
	mov	R_R9(%rax), %r9
	mov	R_R10(%rax), %r10
	mov	R_R11(%rax), %r11
	mov	R_R12(%rax), %r12
	mov	R_R13(%rax), %r13
	mov	R_R14(%rax), %r14
	mov	R_R15(%rax), %r15

	mov	8(%rsp), %rax
	vmload	%rax
	sti
	vmrun	%rax
	cli
	vmsave	%rax

	mov	16(%rsp), %rax
	mov	%rbx, R_RBX(%rax)
	mov	%rcx, R_RCX(%rax)
	mov	%rdx, R_RDX(%rax)
	mov	%rsi, R_RSI(%rax)
	mov	%rdi, R_RDI(%rax)
	mov	%rbp, R_RBP(%rax)
	mov	%r8, R_R8(%rax)
	mov	%r9, R_R9(%rax)
	mov	%r10, R_R10(%rax)
	mov	%r11, R_R11(%rax)
	mov	%r12, R_R12(%rax)
	mov	%r13, R_R13(%rax)
	mov	%r14, R_R14(%rax)
	mov	%r15, R_R15(%rax)

	mov	0(%rsp), %rax
	vmload	%rax

	HX_CLEAR_SCRATCH

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(svm_vmrun_asm)
