// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel side of the minimal LAPIC (hx_lapic.c holds the register file):
 * accesses to the xAPIC page at APIC_BASE, which no memory slot covers,
 * are decoded and emulated here without a trip to user space; ICR writes
 * become fixed IPIs queued on the target vCPUs.
 */
#include <linux/kernel.h>
#include <linux/bitmap.h>
#include "hx_exit.h"
#include "hx_decode.h"
#include "hx_lapic.h"

static bool ipi_targets(struct hx_vcpu *src, struct hx_vcpu *dst,
			const struct hx_lapic_ipi *ipi)
{
	switch (ipi->shorthand) {
	case HX_ICR_SH_SELF:
		return dst == src;
	case HX_ICR_SH_ALL:
		return true;
	case HX_ICR_SH_OTHERS:
		return dst != src;
	default:
		return hx_lapic_match(&dst->lapic, ipi);
	}
}

static void lapic_send_ipi(struct hx_vcpu *vcpu, const struct hx_lapic_ipi *ipi)
{
	struct hx_vm *vm = vcpu->vm;
	unsigned int i;

	if (ipi->mode == HX_ICR_INIT || ipi->mode == HX_ICR_SIPI) {
		/* INIT level de-assert (level 0, level-triggered) does nothing. */
		if (ipi->mode == HX_ICR_INIT && !ipi->level && ipi->trigger)
			return;
		for (i = 0; i < HX_MAX_VCPUS; i++) {
			struct hx_vcpu *dst = READ_ONCE(vm->vcpus[i]);

			if (!dst || !ipi_targets(vcpu, dst, ipi))
				continue;
			if (ipi->mode == HX_ICR_INIT)
				hx_vcpu_send_init(dst);
			else
				hx_vcpu_send_sipi(dst, ipi->vector);
		}
		return;
	}
	if (ipi->mode != HX_ICR_FIXED && ipi->mode != HX_ICR_LOWEST) {
		pr_info_ratelimited("hxen: vcpu %u: IPI delivery mode %u not supported, dropped\n",
				    vcpu->id, ipi->mode);
		return;
	}
	if (ipi->vector < 16)		/* illegal vector: the APIC drops it */
		return;
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		struct hx_vcpu *dst = READ_ONCE(vm->vcpus[i]);

		if (!dst || !ipi_targets(vcpu, dst, ipi))
			continue;
		hx_vcpu_queue_irq(dst, ipi->vector);
		if (ipi->mode == HX_ICR_LOWEST)
			break;		/* any one of them will do */
	}
}

bool hx_lapic_page(struct hx_vcpu *vcpu, u64 gpa)
{
	u64 base = vcpu->msr.apic_base;

	return (base & HX_APIC_BASE_ENABLE) &&
	       (gpa & ~0xfffULL) == (base & ~0xfffULL & ((1ULL << 52) - 1));
}

/* Emulate a decoded access to the LAPIC page in the kernel. */
int hx_lapic_access(struct hx_vcpu *vcpu, const struct hx_exit *exit,
			const struct hx_insn *insn, u64 gpa)
{
	u32 off = gpa & 0xfff;
	struct hx_lapic_ipi ipi;
	u32 val;
	int ret;

	if (insn->mem_size != 4)
		return hx_internal_error(vcpu, HXEN_INTERNAL_EMULATION, exit->code,
					 insn->mem_size, gpa);
	if (insn->dir == HX_DEC_STORE) {
		u64 v = insn->has_imm ? insn->imm : *hx_gpr(vcpu, insn->reg);

		ret = hx_lapic_write(&vcpu->lapic, off, (u32)v, &ipi);
		if (ret == 1)
			lapic_send_ipi(vcpu, &ipi);
	} else {
		ret = hx_lapic_read(&vcpu->lapic, off, &val);
		if (!ret)
			hx_store_reg(vcpu, insn->reg, insn->high8, insn->reg_size,
				  insn->sext ? hx_sext(val, 32) : val);
	}
	if (ret < 0)	/* misaligned: real APICs give undefined results; ignore */
		pr_debug("hxen: vcpu %u: LAPIC access at %#x ignored\n", vcpu->id, off);
	vcpu->regs.rip += insn->len;
	hx_ops->clear_int_shadow(vcpu);
	return HX_RESUME;
}


/* --- INIT / SIPI: application-processor start-up [SDM 8.4.4] ------------ */

void hx_vcpu_send_init(struct hx_vcpu *vcpu)
{
	atomic_set(&vcpu->sipi_vector, 0);	/* only SIPIs after this INIT count */
	atomic_set(&vcpu->init_pending, 1);
	hx_vcpu_kick(vcpu);
}

void hx_vcpu_send_sipi(struct hx_vcpu *vcpu, u8 vector)
{
	/* A SIPI reaches only a processor waiting for one (the 2nd is ignored). */
	if (READ_ONCE(vcpu->mp_state) != HX_MP_WAIT_SIPI &&
	    !atomic_read(&vcpu->init_pending))
		return;
	atomic_set(&vcpu->sipi_vector, vector + 1);
	hx_vcpu_kick(vcpu);
}

static void real_seg(struct hxen_segment *s, u16 sel, u8 type)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = (u64)sel << 4;
	s->limit = 0xffff;
	s->type = type;
	s->s = 1;
	s->present = 1;
}

/* State after INIT + SIPI: real mode at vector:0000 [SDM 8.4.4.1, 9.1.1]. */
static void hx_vcpu_start_real(struct hx_vcpu *vcpu, u8 vector)
{
	struct hxen_sregs s;

	memset(&s, 0, sizeof(s));
	real_seg(&s.cs, (u16)vector << 8, 0xb);
	real_seg(&s.ds, 0, 0x3);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct hxen_segment){ .limit = 0xffff, .type = 0xb, .present = 1 };
	s.ldt = (struct hxen_segment){ .limit = 0xffff, .type = 0x2, .present = 1 };
	s.gdt.limit = 0xffff;
	s.idt.limit = 0xffff;
	s.cr0 = 0x60000010;	/* CD | NW | ET */
	WARN_ON_ONCE(hx_ops->set_sregs(vcpu, &s));
	memset(&vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs.rflags = 2;
	vcpu->pending.kind = HX_PENDING_NONE;
	bitmap_zero(vcpu->irq_pending, 256);
	hx_lapic_reset(&vcpu->lapic, vcpu->id);
	vcpu->xcr0 = 1;
	hx_vcpu_fpu_reset(vcpu);
}

/*
 * On the vCPU's own thread, before each entry: act on INIT/SIPI.  Returns
 * true while the vCPU must keep waiting for a SIPI.
 */
bool hx_vcpu_mp_wait(struct hx_vcpu *vcpu)
{
	int v;

	if (atomic_xchg(&vcpu->init_pending, 0))
		WRITE_ONCE(vcpu->mp_state, HX_MP_WAIT_SIPI);
	if (vcpu->mp_state != HX_MP_WAIT_SIPI)
		return false;
	v = atomic_xchg(&vcpu->sipi_vector, 0);
	if (!v)
		return true;
	hx_vcpu_start_real(vcpu, v - 1);
	WRITE_ONCE(vcpu->mp_state, HX_MP_RUNNABLE);
	return false;
}
