// SPDX-License-Identifier: GPL-2.0
/*
 * Save/restore of the VMX-held part of struct hxen_vcpu_state: the event
 * queued for the next entry (re-injected IDT-vectoring information, SDM
 * 27.2.4 / 26.6), STI/MOV-SS blocking (SDM 24.4.2) and the debug
 * registers, which the VMX backend keeps in struct vmx_vcpu because MOV DR
 * always exits.  Values arrive validated by hx_state.c.
 */
#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include "hx_vm.h"
#include "vmx.h"

void vmx_get_vstate(struct hx_vcpu *vcpu, struct hxen_vcpu_state *st)
{
	struct vmx_vcpu *vx = vmx_get(vcpu);
	u32 info = vmcs_read(VMCS_ENTRY_INTR_INFO);
	u32 type = INTR_INFO_TYPE(info);

	/*
	 * Software interrupts and exceptions are left out: RIP still points
	 * at INTn/INT3/INTO, which runs again (what the SVM backend does).
	 */
	if ((info & INTR_INFO_VALID) && (type == INTR_TYPE_EXT ||
					 type == INTR_TYPE_NMI ||
					 type == INTR_TYPE_HW_EXC)) {
		st->event_valid = 1;
		st->event_type = type;
		st->event_vector = INTR_INFO_VECTOR(info);
		st->event_has_error = !!(info & INTR_INFO_ERROR_VALID);
		if (st->event_has_error)
			st->event_error = vmcs_read(VMCS_ENTRY_EXC_ERROR);
	}
	st->int_shadow = !!(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
			    (INTRBL_STI | INTRBL_MOV_SS));
	st->nmi_masked = !!(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) & INTRBL_NMI);
	memcpy(st->dr, vx->dr, sizeof(st->dr));
	st->dr6 = vx->dr6;
	st->dr7 = vx->dr7;
	vmx_put();
}

void vmx_set_vstate(struct hx_vcpu *vcpu, const struct hxen_vcpu_state *st)
{
	struct vmx_vcpu *vx = vmx_get(vcpu);
	u32 info = 0;
	u64 intr = 0;

	if (st->event_valid) {
		info = INTR_INFO_VALID | ((u32)st->event_type << 8) | st->event_vector;
		if (st->event_has_error) {
			info |= INTR_INFO_ERROR_VALID;
			vmcs_write(VMCS_ENTRY_EXC_ERROR, st->event_error);
		}
	}
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
	/* STI blocking needs RFLAGS.IF = 1 at entry (SDM 26.3.1.5). */
	if (st->int_shadow)
		intr = (vcpu->regs.rflags & X86_EFLAGS_IF) ? INTRBL_STI : INTRBL_MOV_SS;
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, intr);
	memcpy(vx->dr, st->dr, sizeof(vx->dr));
	vx->dr6 = st->dr6;
	vx->dr7 = st->dr7;
	vmx_put();
}
