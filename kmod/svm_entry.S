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
#include <asm/nospec-branch.h>
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
	HX_GPRS_LOAD %rax
	mov	R_RDI(%rax), %rdi

	mov	8(%rsp), %rax
	vmload	%rax
	sti
	/*
	 * Not "sti; vmrun": STI's one-instruction interrupt shadow would then
	 * cover VMRUN, and QEMU TCG carries it into the guest (its VMRUN sets
	 * the inhibit from the VMCB's int_state but never clears it), holding
	 * off a V_IRQ offered for the guest's first instruction.  GIF=0 keeps
	 * interrupts out at this boundary anyway.
	 */
	nop
	vmrun	%rax
	cli
	vmsave	%rax

	mov	16(%rsp), %rax
	HX_GPRS_STORE %rax
	mov	%rdi, R_RDI(%rax)

	mov	0(%rsp), %rax
	vmload	%rax

	/*
	 * Before the first RET or call: untrain return prediction (AMD
	 * Retbleed/SRSO, as the host kernel chose at boot) and refill the
	 * return stack buffer, so that nothing the guest trained steers the
	 * host's returns.  Both are no-ops where the host needs neither.
	 */
	UNTRAIN_RET
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE

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
