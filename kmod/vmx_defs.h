/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VMX architectural constants: MSR numbers, VMCS field encodings,
 * control bits, exit reasons and qualification layouts.  Pure numbers, no
 * code, so the file builds in the kernel and in the user-space unit tests.
 *
 * Source: Intel SDM vol. 3C, chapter 24 (VMCS), 25 (VMX non-root
 * operation), 27 (VM exits), appendix A (capability MSRs), appendix B
 * (field encodings) and appendix C (basic exit reasons).
 */
#ifndef HX_VMX_DEFS_H
#define HX_VMX_DEFS_H

/* ---- MSRs (SDM vol. 4, table 2-2; appendix A) ---- */
#define MSR_FEATURE_CONTROL		0x0000003a
#define  FEATURE_CONTROL_LOCK		(1ULL << 0)
#define  FEATURE_CONTROL_VMX_SMX	(1ULL << 1)
#define  FEATURE_CONTROL_VMX		(1ULL << 2)	/* outside SMX */
#define MSR_VMX_BASIC			0x00000480
#define MSR_VMX_PINBASED_CTLS		0x00000481
#define MSR_VMX_PROCBASED_CTLS		0x00000482
#define MSR_VMX_EXIT_CTLS		0x00000483
#define MSR_VMX_ENTRY_CTLS		0x00000484
#define MSR_VMX_MISC			0x00000485
#define MSR_VMX_CR0_FIXED0		0x00000486
#define MSR_VMX_CR0_FIXED1		0x00000487
#define MSR_VMX_CR4_FIXED0		0x00000488
#define MSR_VMX_CR4_FIXED1		0x00000489
#define MSR_VMX_PROCBASED_CTLS2		0x0000048b
#define MSR_VMX_EPT_VPID_CAP		0x0000048c
#define MSR_VMX_TRUE_PINBASED_CTLS	0x0000048d
#define MSR_VMX_TRUE_PROCBASED_CTLS	0x0000048e
#define MSR_VMX_TRUE_EXIT_CTLS		0x0000048f
#define MSR_VMX_TRUE_ENTRY_CTLS		0x00000490

/* IA32_VMX_BASIC (SDM A.1) */
#define VMX_BASIC_REVISION(b)		((__u32)(b) & 0x7fffffffU)
#define VMX_BASIC_VMCS_SIZE(b)		((__u32)((b) >> 32) & 0x1fffU)
#define VMX_BASIC_32BIT_ADDR		(1ULL << 48)
#define VMX_BASIC_MEMTYPE(b)		((__u32)((b) >> 50) & 0xfU)
#define VMX_BASIC_TRUE_CTLS		(1ULL << 55)

/* IA32_VMX_MISC (SDM A.6): preemption timer rate = TSC >> bits 4:0 */
#define VMX_MISC_PREEMPT_SHIFT(m)	((unsigned int)(m) & 0x1fU)

/* IA32_VMX_EPT_VPID_CAP (SDM A.10) */
#define VMX_EPT_CAP_WALK4		(1ULL << 6)
#define VMX_EPT_CAP_WB			(1ULL << 14)
#define VMX_EPT_CAP_2M			(1ULL << 16)
#define VMX_EPT_CAP_INVEPT		(1ULL << 20)
#define VMX_EPT_CAP_AD			(1ULL << 21)
#define VMX_EPT_CAP_INVEPT_SINGLE	(1ULL << 25)
#define VMX_EPT_CAP_INVEPT_ALL		(1ULL << 26)
#define VMX_VPID_CAP_INVVPID		(1ULL << 32)
#define VMX_VPID_CAP_INVVPID_ADDR	(1ULL << 40)
#define VMX_VPID_CAP_INVVPID_SINGLE	(1ULL << 41)
#define VMX_VPID_CAP_INVVPID_ALL	(1ULL << 42)

/* INVEPT / INVVPID types (SDM 30.3) */
#define VMX_INVEPT_SINGLE		1
#define VMX_INVEPT_ALL			2
#define VMX_INVVPID_ADDR		0
#define VMX_INVVPID_SINGLE		1
#define VMX_INVVPID_ALL			2

/* ---- execution controls (SDM 24.6) ---- */
#define PIN_EXT_INTR			(1U << 0)
#define PIN_NMI				(1U << 3)
#define PIN_VIRTUAL_NMI			(1U << 5)
#define PIN_PREEMPT_TIMER		(1U << 6)
#define PIN_POSTED_INTR			(1U << 7)

#define PROC_INTR_WINDOW		(1U << 2)
#define PROC_TSC_OFFSET			(1U << 3)
#define PROC_HLT			(1U << 7)
#define PROC_INVLPG			(1U << 9)
#define PROC_MWAIT			(1U << 10)
#define PROC_RDPMC			(1U << 11)
#define PROC_RDTSC			(1U << 12)
#define PROC_CR3_LOAD			(1U << 15)
#define PROC_CR3_STORE			(1U << 16)
#define PROC_TERTIARY			(1U << 17)
#define PROC_CR8_LOAD			(1U << 19)
#define PROC_CR8_STORE			(1U << 20)
#define PROC_TPR_SHADOW			(1U << 21)
#define PROC_NMI_WINDOW			(1U << 22)
#define PROC_MOV_DR			(1U << 23)
#define PROC_UNCOND_IO			(1U << 24)
#define PROC_IO_BITMAPS			(1U << 25)
#define PROC_MTF			(1U << 27)
#define PROC_MSR_BITMAPS		(1U << 28)
#define PROC_MONITOR			(1U << 29)
#define PROC_PAUSE			(1U << 30)
#define PROC_SECONDARY			(1U << 31)

#define PROC2_VIRT_APIC_ACCESS		(1U << 0)
#define PROC2_EPT			(1U << 1)
#define PROC2_DESC_TABLE		(1U << 2)
#define PROC2_RDTSCP			(1U << 3)
#define PROC2_VIRT_X2APIC		(1U << 4)
#define PROC2_VPID			(1U << 5)
#define PROC2_WBINVD			(1U << 6)
#define PROC2_UNRESTRICTED		(1U << 7)
#define PROC2_PAUSE_LOOP		(1U << 10)
#define PROC2_RDRAND			(1U << 11)
#define PROC2_INVPCID			(1U << 12)
#define PROC2_VMFUNC			(1U << 13)
#define PROC2_SHADOW_VMCS		(1U << 14)
#define PROC2_RDSEED			(1U << 16)
#define PROC2_PML			(1U << 17)
#define PROC2_EPT_VE			(1U << 18)
#define PROC2_XSAVES			(1U << 20)
#define PROC2_TSC_SCALING		(1U << 25)

#define EXIT_SAVE_DEBUG			(1U << 2)
#define EXIT_HOST_64			(1U << 9)
#define EXIT_LOAD_PERF_GLOBAL		(1U << 12)
#define EXIT_ACK_INTR			(1U << 15)
#define EXIT_SAVE_PAT			(1U << 18)
#define EXIT_LOAD_PAT			(1U << 19)
#define EXIT_SAVE_EFER			(1U << 20)
#define EXIT_LOAD_EFER			(1U << 21)
#define EXIT_SAVE_PREEMPT_TIMER		(1U << 22)

#define ENTRY_LOAD_DEBUG		(1U << 2)
#define ENTRY_IA32E			(1U << 9)
#define ENTRY_SMM			(1U << 10)
#define ENTRY_DUAL_MONITOR		(1U << 11)
#define ENTRY_LOAD_PERF_GLOBAL		(1U << 13)
#define ENTRY_LOAD_PAT			(1U << 14)
#define ENTRY_LOAD_EFER			(1U << 15)

/* ---- VMCS field encodings (SDM appendix B) ---- */
enum vmcs_field {
	/* 16-bit */
	VMCS_VPID			= 0x0000,
	VMCS_GUEST_ES_SEL		= 0x0800,
	VMCS_GUEST_CS_SEL		= 0x0802,
	VMCS_GUEST_SS_SEL		= 0x0804,
	VMCS_GUEST_DS_SEL		= 0x0806,
	VMCS_GUEST_FS_SEL		= 0x0808,
	VMCS_GUEST_GS_SEL		= 0x080a,
	VMCS_GUEST_LDTR_SEL		= 0x080c,
	VMCS_GUEST_TR_SEL		= 0x080e,
	VMCS_HOST_ES_SEL		= 0x0c00,
	VMCS_HOST_CS_SEL		= 0x0c02,
	VMCS_HOST_SS_SEL		= 0x0c04,
	VMCS_HOST_DS_SEL		= 0x0c06,
	VMCS_HOST_FS_SEL		= 0x0c08,
	VMCS_HOST_GS_SEL		= 0x0c0a,
	VMCS_HOST_TR_SEL		= 0x0c0c,
	/* 64-bit */
	VMCS_IO_BITMAP_A		= 0x2000,
	VMCS_IO_BITMAP_B		= 0x2002,
	VMCS_MSR_BITMAP			= 0x2004,
	VMCS_EXIT_MSR_STORE_ADDR	= 0x2006,
	VMCS_EXIT_MSR_LOAD_ADDR		= 0x2008,
	VMCS_ENTRY_MSR_LOAD_ADDR	= 0x200a,
	VMCS_TSC_OFFSET			= 0x2010,
	VMCS_EPTP			= 0x201a,
	VMCS_XSS_EXIT_BITMAP		= 0x202c,
	VMCS_GUEST_PHYS_ADDR		= 0x2400,
	VMCS_LINK_POINTER		= 0x2800,
	VMCS_GUEST_DEBUGCTL		= 0x2802,
	VMCS_GUEST_PAT			= 0x2804,
	VMCS_GUEST_EFER			= 0x2806,
	VMCS_GUEST_PDPTE0		= 0x280a,
	VMCS_GUEST_PDPTE1		= 0x280c,
	VMCS_GUEST_PDPTE2		= 0x280e,
	VMCS_GUEST_PDPTE3		= 0x2810,
	VMCS_HOST_PAT			= 0x2c00,
	VMCS_HOST_EFER			= 0x2c02,
	/* 32-bit */
	VMCS_PIN_CTLS			= 0x4000,
	VMCS_PROC_CTLS			= 0x4002,
	VMCS_EXCEPTION_BITMAP		= 0x4004,
	VMCS_PF_ERR_MASK		= 0x4006,
	VMCS_PF_ERR_MATCH		= 0x4008,
	VMCS_CR3_TARGET_COUNT		= 0x400a,
	VMCS_EXIT_CTLS			= 0x400c,
	VMCS_EXIT_MSR_STORE_COUNT	= 0x400e,
	VMCS_EXIT_MSR_LOAD_COUNT	= 0x4010,
	VMCS_ENTRY_CTLS			= 0x4012,
	VMCS_ENTRY_MSR_LOAD_COUNT	= 0x4014,
	VMCS_ENTRY_INTR_INFO		= 0x4016,
	VMCS_ENTRY_EXC_ERROR		= 0x4018,
	VMCS_ENTRY_INSN_LEN		= 0x401a,
	VMCS_TPR_THRESHOLD		= 0x401c,
	VMCS_PROC2_CTLS			= 0x401e,
	VMCS_INSN_ERROR			= 0x4400,
	VMCS_EXIT_REASON		= 0x4402,
	VMCS_EXIT_INTR_INFO		= 0x4404,
	VMCS_EXIT_INTR_ERROR		= 0x4406,
	VMCS_IDT_VECT_INFO		= 0x4408,
	VMCS_IDT_VECT_ERROR		= 0x440a,
	VMCS_EXIT_INSN_LEN		= 0x440c,
	VMCS_EXIT_INSN_INFO		= 0x440e,
	VMCS_GUEST_ES_LIMIT		= 0x4800,
	VMCS_GUEST_CS_LIMIT		= 0x4802,
	VMCS_GUEST_SS_LIMIT		= 0x4804,
	VMCS_GUEST_DS_LIMIT		= 0x4806,
	VMCS_GUEST_FS_LIMIT		= 0x4808,
	VMCS_GUEST_GS_LIMIT		= 0x480a,
	VMCS_GUEST_LDTR_LIMIT		= 0x480c,
	VMCS_GUEST_TR_LIMIT		= 0x480e,
	VMCS_GUEST_GDTR_LIMIT		= 0x4810,
	VMCS_GUEST_IDTR_LIMIT		= 0x4812,
	VMCS_GUEST_ES_AR		= 0x4814,
	VMCS_GUEST_CS_AR		= 0x4816,
	VMCS_GUEST_SS_AR		= 0x4818,
	VMCS_GUEST_DS_AR		= 0x481a,
	VMCS_GUEST_FS_AR		= 0x481c,
	VMCS_GUEST_GS_AR		= 0x481e,
	VMCS_GUEST_LDTR_AR		= 0x4820,
	VMCS_GUEST_TR_AR		= 0x4822,
	VMCS_GUEST_INTERRUPTIBILITY	= 0x4824,
	VMCS_GUEST_ACTIVITY		= 0x4826,
	VMCS_GUEST_SYSENTER_CS		= 0x482a,
	VMCS_PREEMPT_TIMER		= 0x482e,
	VMCS_HOST_SYSENTER_CS		= 0x4c00,
	/* natural width */
	VMCS_CR0_MASK			= 0x6000,
	VMCS_CR4_MASK			= 0x6002,
	VMCS_CR0_SHADOW			= 0x6004,
	VMCS_CR4_SHADOW			= 0x6006,
	VMCS_EXIT_QUAL			= 0x6400,
	VMCS_GUEST_LINEAR_ADDR		= 0x640a,
	VMCS_GUEST_CR0			= 0x6800,
	VMCS_GUEST_CR3			= 0x6802,
	VMCS_GUEST_CR4			= 0x6804,
	VMCS_GUEST_ES_BASE		= 0x6806,
	VMCS_GUEST_CS_BASE		= 0x6808,
	VMCS_GUEST_SS_BASE		= 0x680a,
	VMCS_GUEST_DS_BASE		= 0x680c,
	VMCS_GUEST_FS_BASE		= 0x680e,
	VMCS_GUEST_GS_BASE		= 0x6810,
	VMCS_GUEST_LDTR_BASE		= 0x6812,
	VMCS_GUEST_TR_BASE		= 0x6814,
	VMCS_GUEST_GDTR_BASE		= 0x6816,
	VMCS_GUEST_IDTR_BASE		= 0x6818,
	VMCS_GUEST_DR7			= 0x681a,
	VMCS_GUEST_RSP			= 0x681c,
	VMCS_GUEST_RIP			= 0x681e,
	VMCS_GUEST_RFLAGS		= 0x6820,
	VMCS_GUEST_PENDING_DBG		= 0x6822,
	VMCS_GUEST_SYSENTER_ESP		= 0x6824,
	VMCS_GUEST_SYSENTER_EIP		= 0x6826,
	VMCS_HOST_CR0			= 0x6c00,
	VMCS_HOST_CR3			= 0x6c02,
	VMCS_HOST_CR4			= 0x6c04,
	VMCS_HOST_FS_BASE		= 0x6c06,
	VMCS_HOST_GS_BASE		= 0x6c08,
	VMCS_HOST_TR_BASE		= 0x6c0a,
	VMCS_HOST_GDTR_BASE		= 0x6c0c,
	VMCS_HOST_IDTR_BASE		= 0x6c0e,
	VMCS_HOST_SYSENTER_ESP		= 0x6c10,
	VMCS_HOST_SYSENTER_EIP		= 0x6c12,
	VMCS_HOST_RSP			= 0x6c14,
	VMCS_HOST_RIP			= 0x6c16,
};

/* ---- basic exit reasons (SDM appendix C) ---- */
enum vmx_exit_reason {
	VMX_EXIT_EXC_NMI		= 0,
	VMX_EXIT_EXT_INTR		= 1,
	VMX_EXIT_TRIPLE_FAULT		= 2,
	VMX_EXIT_INIT			= 3,
	VMX_EXIT_SIPI			= 4,
	VMX_EXIT_IO_SMI			= 5,
	VMX_EXIT_OTHER_SMI		= 6,
	VMX_EXIT_INTR_WINDOW		= 7,
	VMX_EXIT_NMI_WINDOW		= 8,
	VMX_EXIT_TASK_SWITCH		= 9,
	VMX_EXIT_CPUID			= 10,
	VMX_EXIT_GETSEC			= 11,
	VMX_EXIT_HLT			= 12,
	VMX_EXIT_INVD			= 13,
	VMX_EXIT_INVLPG			= 14,
	VMX_EXIT_RDPMC			= 15,
	VMX_EXIT_RDTSC			= 16,
	VMX_EXIT_RSM			= 17,
	VMX_EXIT_VMCALL			= 18,
	VMX_EXIT_VMCLEAR		= 19,
	VMX_EXIT_VMLAUNCH		= 20,
	VMX_EXIT_VMPTRLD		= 21,
	VMX_EXIT_VMPTRST		= 22,
	VMX_EXIT_VMREAD			= 23,
	VMX_EXIT_VMRESUME		= 24,
	VMX_EXIT_VMWRITE		= 25,
	VMX_EXIT_VMXOFF			= 26,
	VMX_EXIT_VMXON			= 27,
	VMX_EXIT_CR_ACCESS		= 28,
	VMX_EXIT_DR_ACCESS		= 29,
	VMX_EXIT_IO			= 30,
	VMX_EXIT_RDMSR			= 31,
	VMX_EXIT_WRMSR			= 32,
	VMX_EXIT_BAD_GUEST_STATE	= 33,
	VMX_EXIT_BAD_MSR_LOAD		= 34,
	VMX_EXIT_MWAIT			= 36,
	VMX_EXIT_MTF			= 37,
	VMX_EXIT_MONITOR		= 39,
	VMX_EXIT_PAUSE			= 40,
	VMX_EXIT_MCE_DURING_ENTRY	= 41,
	VMX_EXIT_TPR_BELOW		= 43,
	VMX_EXIT_APIC_ACCESS		= 44,
	VMX_EXIT_EOI			= 45,
	VMX_EXIT_GDTR_IDTR		= 46,
	VMX_EXIT_LDTR_TR		= 47,
	VMX_EXIT_EPT_VIOLATION		= 48,
	VMX_EXIT_EPT_MISCONFIG		= 49,
	VMX_EXIT_INVEPT			= 50,
	VMX_EXIT_RDTSCP			= 51,
	VMX_EXIT_PREEMPT_TIMER		= 52,
	VMX_EXIT_INVVPID		= 53,
	VMX_EXIT_WBINVD			= 54,
	VMX_EXIT_XSETBV			= 55,
	VMX_EXIT_APIC_WRITE		= 56,
	VMX_EXIT_RDRAND			= 57,
	VMX_EXIT_INVPCID		= 58,
	VMX_EXIT_VMFUNC			= 59,
	VMX_EXIT_ENCLS			= 60,
	VMX_EXIT_RDSEED			= 61,
	VMX_EXIT_PML_FULL		= 62,
	VMX_EXIT_XSAVES			= 63,
	VMX_EXIT_XRSTORS		= 64,
	VMX_EXIT_MAX			= 65,
};

/* Full exit-reason field: bits 15:0 basic reason, bit 31 entry failure. */
#define VMX_EXIT_REASON_BASIC(r)	((r) & 0xffffU)
#define VMX_EXIT_REASON_FAILED_ENTRY	(1U << 31)

/* Interruption information (exit, IDT vectoring, entry injection; 24.8.3) */
#define INTR_INFO_VECTOR(i)		((i) & 0xffU)
#define INTR_INFO_TYPE(i)		(((i) >> 8) & 7U)
#define INTR_INFO_ERROR_VALID		(1U << 11)
#define INTR_INFO_NMI_UNBLOCK		(1U << 12)
#define INTR_INFO_VALID			(1U << 31)
#define INTR_TYPE_EXT			0U
#define INTR_TYPE_NMI			2U
#define INTR_TYPE_HW_EXC		3U
#define INTR_TYPE_SW_INT		4U
#define INTR_TYPE_PRIV_SW_EXC		5U
#define INTR_TYPE_SW_EXC		6U

/* Guest interruptibility state (24.4.2) */
#define INTRBL_STI			(1U << 0)
#define INTRBL_MOV_SS			(1U << 1)
#define INTRBL_SMI			(1U << 2)
#define INTRBL_NMI			(1U << 3)

/* Exit qualification: I/O instruction (SDM table 27-5) */
#define IOQ_SIZE(q)			((unsigned int)((q) & 7) + 1)
#define IOQ_IN				(1ULL << 3)
#define IOQ_STRING			(1ULL << 4)
#define IOQ_REP				(1ULL << 5)
#define IOQ_PORT(q)			((unsigned int)((q) >> 16) & 0xffffU)

/* Exit qualification: control-register access (SDM table 27-3) */
#define CRQ_CR(q)			((unsigned int)(q) & 0xfU)
#define CRQ_TYPE(q)			((unsigned int)((q) >> 4) & 3U)
#define CRQ_TYPE_MOV_TO			0
#define CRQ_TYPE_MOV_FROM		1
#define CRQ_TYPE_CLTS			2
#define CRQ_TYPE_LMSW			3
#define CRQ_GPR(q)			((unsigned int)((q) >> 8) & 0xfU)
#define CRQ_LMSW_DATA(q)		((unsigned int)((q) >> 16) & 0xffffU)

/* Exit qualification: MOV DR (SDM table 27-4) */
#define DRQ_DR(q)			((unsigned int)(q) & 7U)
#define DRQ_FROM			(1ULL << 4)
#define DRQ_GPR(q)			((unsigned int)((q) >> 8) & 0xfU)

/* Exit qualification: EPT violation (SDM table 27-7) */
#define EPTQ_READ			(1ULL << 0)
#define EPTQ_WRITE			(1ULL << 1)
#define EPTQ_FETCH			(1ULL << 2)
#define EPTQ_PRESENT_MASK		(7ULL << 3)
#define EPTQ_NMI_UNBLOCK		(1ULL << 12)

/* Segment access rights (SDM table 24-2); same layout as hxen_segment */
#define VMX_AR_TYPE(a)			((a) & 0xfU)
#define VMX_AR_S				(1U << 4)
#define VMX_AR_DPL(a)			(((a) >> 5) & 3U)
#define VMX_AR_P				(1U << 7)
#define VMX_AR_AVL				(1U << 12)
#define VMX_AR_L				(1U << 13)
#define VMX_AR_DB				(1U << 14)
#define VMX_AR_G				(1U << 15)
#define VMX_AR_UNUSABLE			(1U << 16)

/* EPT entries and EPTP (SDM 28.3.2, 24.6.11) */
#define EPT_R				(1ULL << 0)
#define EPT_W				(1ULL << 1)
#define EPT_X				(1ULL << 2)
#define EPT_MT_SHIFT			3
#define EPT_IGNORE_PAT			(1ULL << 6)
#define EPT_LARGE			(1ULL << 7)
#define EPT_ACCESSED			(1ULL << 8)
#define EPT_DIRTY			(1ULL << 9)
#define EPT_ADDR_MASK			0x000ffffffffff000ULL
#define EPT_MT_UC			0ULL
#define EPT_MT_WB			6ULL
#define EPTP_WALK_SHIFT			3
#define EPTP_AD				(1ULL << 6)

/* VM-instruction error numbers (SDM 30.4) worth naming */
#define VMXERR_ENTRY_BAD_CTLS		7
#define VMXERR_ENTRY_BAD_HOST		8

#endif /* HX_VMX_DEFS_H */
