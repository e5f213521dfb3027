/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One 16-byte entry stub per IDT vector.  Vectors for which the CPU pushes
 * no error code (Intel SDM Vol. 3A Table 6-1: all but 8, 10-14, 17, 21,
 * 29, 30) push a zero so every frame has the layout of struct trap_frame
 * (trap.c).  The 64-bit CPU aligns RSP to 16 before pushing the frame, and
 * 6 + 1 + 15 quadwords keep it aligned for the C call.
 */

	/* .org fails to assemble ("move .org backwards") if a stub overflows. */
	.macro TRAP_STUB v
	.org tg_trap_stubs + \v * 16, 0xcc
	.if !((\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
	pushq $0
	.endif
	pushq $\v
	jmp trap_common
	.endm

	.text
	.balign 16
	.globl tg_trap_stubs
tg_trap_stubs:
	vec = 0
	.rept 256
	TRAP_STUB vec
	vec = vec + 1
	.endr
	.org tg_trap_stubs + 256 * 16, 0xcc

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp			/* vector, error code */
	iretq
