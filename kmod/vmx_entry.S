/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX entry stub.  VMLAUNCH/VMRESUME load the guest RSP, RIP and RFLAGS
 * from the VMCS; every other general register is the stub's job (SDM
 * 27.5: a VM exit does not save them), and so is CR2, which the VMCS does
 * not hold.  A VM exit lands at vmx_vmexit (HOST_RIP) with RSP = HOST_RSP,
 * which the stub writes just before entering, pointing at its own frame.
 *
 * int vmx_vmenter(struct hxen_regs *regs, u64 *cr2, unsigned long launched)
 * returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME itself failed
 * (VMfailInvalid/VMfailValid: the caller reads the VM-instruction error).
 * Called with interrupts disabled.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "hx_entry_asm.h"

#define VMCS_HOST_RSP	0x6c14

	.text
SYM_FUNC_START(vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* regs: 8(%rsp) after the exit */
	push	%rsi			/* cr2 pointer: (%rsp) after the exit */

	/* Guest CR2, written only when it differs (slow on hardware). */
	mov	(%rsi), %rax
	mov	%cr2, %rcx
	cmp	%rax, %rcx
	je	1f
	mov	%rax, %cr2
1:
	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax

	/* ZF selects VMLAUNCH; the MOVs below leave the flags alone. */
	test	%rdx, %rdx
	mov	R_RAX(%rdi), %rax
	HX_GPRS_LOAD %rdi
	mov	R_RDI(%rdi), %rdi

	UNWIND_HINT_SAVE
	jz	2f
	vmresume
	jmp	.Lvmfail
2:	vmlaunch
	jmp	.Lvmfail

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	push	%rdi			/* guest RDI */
	mov	16(%rsp), %rdi		/* regs */
	mov	%rax, R_RAX(%rdi)
	HX_GPRS_STORE %rdi
	popq	R_RDI(%rdi)
	mov	(%rsp), %rsi
	mov	%cr2, %rax
	mov	%rax, (%rsi)

	/*
	 * Before the first RET: refill the return stack buffer so that no
	 * guest-planted return target is used by the host, where the host
	 * kernel asks for it on VM exits (its spectre_v2 choice; SDM vol. 3
	 * and Intel's "Retpoline" / RSB guidance).
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
		X86_FEATURE_RSB_VMEXIT_LITE

	HX_CLEAR_SCRATCH		/* also returns 0 in %eax */
	jmp	.Lout

.Lvmfail:
	mov	$1, %eax
.Lout:
	add	$16, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(vmx_vmenter)
