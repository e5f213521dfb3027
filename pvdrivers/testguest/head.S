/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test guest entry.  The VMM enters tg_entry32 as described by the PVH
 * boot ABI (docs/misc/pvh.pandoc in Xen): 32-bit flat protected mode,
 * paging off, EFLAGS=2, EBX = hvm_start_info GPA (or 0).  Nothing else is
 * assumed: we load our own GDT, set our own stack, build an identity map
 * of the first 4 GiB with 2 MiB pages and switch to long mode as the AMD
 * APM Vol. 2 §14.6 / Intel SDM Vol. 3A §10.8.5 describe
 * (CR4.PAE, CR3, EFER.LME, CR0.PG, then a far jump to a 64-bit CS).
 */

#define TG_CS64		0x08
#define TG_DS		0x10
#define TG_CS32		0x18

#define CR0_PE		0x00000001
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100

#define PTE_P		0x001
#define PTE_RW		0x002
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_PS		0x080

#define PD_ENTRIES	2048		/* 4 GiB / 2 MiB */
#define PD_UC_FIRST	1536		/* 3 GiB and up: MMIO, uncached */

/* XEN_ELFNOTE_PHYS32_ENTRY (xen/include/public/elfnote.h): type 18. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4				/* namesz: "Xen\0" */
	.long 4				/* descsz: 32-bit entry */
	.long 18
	.asciz "Xen"
	.long tg_entry32

	.section .text.entry, "ax"
	.code32
	.globl tg_entry32
tg_entry32:
	cli
	cld
	movl %ebx, %ebp			/* start info survives in EBP */

	lgdt tg_gdt_desc
	movl $TG_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	ljmp $TG_CS32, $1f
1:
	/* The loader zeroes bss per the ELF rules; do not rely on it. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl $tg_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
	movl $(tg_pdpt + PTE_P + PTE_RW), tg_pml4
	movl $(tg_pd + 0x0000 + PTE_P + PTE_RW), tg_pdpt + 0
	movl $(tg_pd + 0x1000 + PTE_P + PTE_RW), tg_pdpt + 8
	movl $(tg_pd + 0x2000 + PTE_P + PTE_RW), tg_pdpt + 16
	movl $(tg_pd + 0x3000 + PTE_P + PTE_RW), tg_pdpt + 24

	/* 2 MiB identity pages; the top GiB (test MMIO, LAPIC) uncached. */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P + PTE_RW + PTE_PS), %eax
	cmpl $PD_UC_FIRST, %ecx
	jb 3f
	orl $(PTE_PCD + PTE_PWT), %eax
3:	movl %eax, tg_pd(, %ecx, 8)
	incl %ecx
	cmpl $PD_ENTRIES, %ecx
	jb 2b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $tg_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG + CR0_PE), %eax
	movl %eax, %cr0
	ljmp $TG_CS64, $tg_entry64

	.code64
tg_entry64:
	movl $TG_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $tg_stack_top, %rsp
	xorl %edi, %edi
	movl %ebp, %edi			/* tg_main(start_info) */
	xorl %ebp, %ebp
	call tg_main
4:	cli
	hlt
	jmp 4b

	.data
	.balign 16
tg_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
	.quad 0x00cf9a000000ffff	/* 0x18: flat 32-bit code */
tg_gdt_end:
	.balign 4
	.word 0
tg_gdt_desc:
	.word tg_gdt_end - tg_gdt - 1
	.long tg_gdt

	.bss
	.balign 4096
tg_pml4:
	.skip 4096
tg_pdpt:
	.skip 4096
tg_pd:
	.skip 4096 * 4
	.balign 16
tg_stack:
	.skip 16384
tg_stack_top:
