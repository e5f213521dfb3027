// SPDX-License-Identifier: GPL-2.0
/*
 * Exit handlers common to SVM and VMX: CPUID, MSRs, HLT, port I/O
 * (including INS/OUTS), MMIO through the instruction decoder, XSETBV,
 * hypercalls.  Everything here runs with preemption enabled and
 * vm->mem_lock held for read.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <asm/processor.h>
#include <asm/msr.h>
#include "hx_exit.h"
#include "hx_hooks.h"
#include "hx_cpuid.h"
#include "hx_level.h"
#include "hx_msr_io.h"
#include "hx_decode.h"
#include "hx_pgwalk.h"

#define X86_GP		13
#define X86_UD		6
#define RFLAGS_IF	(1ULL << 9)
#define RFLAGS_DF	(1ULL << 10)
#define CR0_PE		(1ULL << 0)
#define CR4_OSXSAVE	(1ULL << 18)

u64 *hx_gpr(struct hx_vcpu *vcpu, unsigned int n)
{
	/* struct hxen_regs starts with the 16 GPRs in encoding order except
	 * that it lists rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp. */
	static const u8 map[16] = { 0, 2, 3, 1, 6, 7, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15 };
	u64 *base = &vcpu->regs.rax;

	return &base[map[n & 15]];
}

int hx_internal_error(struct hx_vcpu *vcpu, u32 suberror, u64 code, u64 info1, u64 info2)
{
	struct hxen_run *run = vcpu->run;

	run->exit_reason = HXEN_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.reserved = 0;
	run->internal.code = code;
	run->internal.info1 = info1;
	run->internal.info2 = info2;
	return HX_TO_USER;
}

static int advance(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	if (!exit->insn_len)
		return hx_internal_error(vcpu, HXEN_INTERNAL_UNHANDLED_EXIT,
					 exit->code, exit->info1, exit->info2);
	vcpu->regs.rip += exit->insn_len;
	hx_ops->clear_int_shadow(vcpu);
	return HX_RESUME;
}

static void inject_gp(struct hx_vcpu *vcpu)
{
	hx_ops->inject_exception(vcpu, X86_GP, true, 0);
}

/* --- CPUID ------------------------------------------------------------- */

static bool xen_leaf(void *opaque, u32 leaf, u32 sub, u32 out[4])
{
	return hx_xen_cpuid(opaque, leaf, sub, out);
}

static int exit_cpuid(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	struct hxen_sregs s;
	struct hx_cpuid_ctx ctx;
	u32 out[4];

	hx_level_ctx(vcpu->vm, &ctx);	/* host, LAPIC, XCR0, the VM's mask */
	ctx.hv_leaf = vcpu->vm->xen ? xen_leaf : NULL;
	ctx.opaque = vcpu;
	ctx.apic_id = vcpu->id;
	ctx.guest_xcr0 = vcpu->xcr0;
	hx_ops->get_sregs(vcpu, &s);
	ctx.osxsave = s.cr4 & CR4_OSXSAVE;
	hx_cpuid(&ctx, (u32)vcpu->regs.rax, (u32)vcpu->regs.rcx, out);
	vcpu->regs.rax = out[0];
	vcpu->regs.rbx = out[1];
	vcpu->regs.rcx = out[2];
	vcpu->regs.rdx = out[3];
	return advance(vcpu, exit);
}

/* --- MSRs -------------------------------------------------------------- */

static int io_hw_get(void *opaque, u32 index, u64 *val)
{
	return hx_ops->get_msr(opaque, index, val);
}

static int io_hw_set(void *opaque, u32 index, u64 val)
{
	return hx_ops->set_msr(opaque, index, val);
}

static u64 io_host_tsc(void *opaque)
{
	return rdtsc();
}

static void io_set_tsc_offset(void *opaque, s64 off)
{
	hx_ops->set_tsc_offset(opaque, off);
}

void hx_msr_io_init(struct hx_vcpu *vcpu, struct hx_msr_io *io)
{
	io->hw_get = io_hw_get;
	io->hw_set = io_hw_set;
	io->host_tsc = io_host_tsc;
	io->set_tsc_offset = io_set_tsc_offset;
	io->opaque = vcpu;
	io->phys_bits = boot_cpu_data.x86_phys_bits;
	io->nx = boot_cpu_has(X86_FEATURE_NX);
	io->lm = boot_cpu_has(X86_FEATURE_LM);
	io->amd = boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
		  boot_cpu_data.x86_vendor == X86_VENDOR_HYGON;
}

static int exit_msr(struct hx_vcpu *vcpu, const struct hx_exit *exit, bool write)
{
	u32 index = (u32)vcpu->regs.rcx;
	struct hx_msr_io io;
	u64 val;
	int ret;

	hx_msr_io_init(vcpu, &io);
	if (write && (index >> 8) == 8) {
		vcpu->stat.wrmsr_lapic++;
	} else if (write) {
		vcpu->stat.wrmsr_other++;
		vcpu->stat.wrmsr_last = index;
	}
	if (write) {
		val = (vcpu->regs.rax & 0xffffffffULL) | (vcpu->regs.rdx << 32);
		ret = hx_msr_write(&vcpu->msr, &io, index, val);
		if (ret == -ENOENT && vcpu->vm->xen)
			ret = hx_xen_wrmsr(vcpu, index, val);
	} else {
		ret = hx_msr_read(&vcpu->msr, &io, index, &val);
		if (ret == -ENOENT && vcpu->vm->xen)
			ret = hx_xen_rdmsr(vcpu, index, &val);
		if (!ret) {
			vcpu->regs.rax = (u32)val;
			vcpu->regs.rdx = val >> 32;
		}
	}
	if (ret) {
		pr_debug("hxen: vcpu %u: %s of MSR %#x: #GP\n", vcpu->id,
			 write ? "write" : "read", index);
		inject_gp(vcpu);
		return HX_RESUME;
	}
	return advance(vcpu, exit);
}

/* --- HLT --------------------------------------------------------------- */

static int exit_hlt(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	int ret = advance(vcpu, exit);

	if (ret != HX_RESUME)
		return ret;
	if (vcpu->regs.rflags & RFLAGS_IF)
		return HX_HALT;		/* hx_run.c wakes it on an interrupt */
	/* IF=0: only an NMI/SMI could wake it; let user space decide. */
	vcpu->run->exit_reason = HXEN_EXIT_HLT;
	return HX_TO_USER;
}

/* --- segments and modes ------------------------------------------------ */

static struct hxen_segment *seg_of(struct hxen_sregs *s, unsigned int seg)
{
	switch (seg) {
	case 0: return &s->es;
	case 1: return &s->cs;
	case 2: return &s->ss;
	case 4: return &s->fs;
	case 5: return &s->gs;
	default: return &s->ds;
	}
}

static bool long_mode64(const struct hxen_sregs *s)
{
	return (s->efer & HX_EFER_LMA) && s->cs.l;
}

static u64 linear(const struct hxen_sregs *s, unsigned int seg, u64 off)
{
	struct hxen_sregs *w = (struct hxen_sregs *)s;

	if (long_mode64(s))
		return (seg == 4 || seg == 5) ? seg_of(w, seg)->base + off : off;
	return (seg_of(w, seg)->base + off) & 0xffffffffULL;
}

static u64 addr_mask(u8 asz)
{
	return asz >= 8 ? ~0ULL : (1ULL << (asz * 8)) - 1;
}

/* Write @val to a register used as an @asz-byte address/count. */
static void set_sized(u64 *reg, u64 val, u8 asz)
{
	if (asz == 4)
		*reg = (u32)val;		/* 32-bit writes zero-extend */
	else if (asz == 2)
		*reg = (*reg & ~0xffffULL) | (val & 0xffff);
	else
		*reg = val;
}

/* --- port I/O ---------------------------------------------------------- */

static int decode_mode(const struct hxen_sregs *s);
static int fetch_insn(struct hx_walk_ctx *ctx, u64 rip_lin, u8 *buf, u32 *avail);

/*
 * Segment and address size of INS/OUTS from the instruction's prefixes
 * (EXITINFO1 has them only with SVM decode assists).
 */
static int string_io_operands(struct hx_vcpu *vcpu, struct hxen_sregs *s,
			      struct hx_walk_ctx *ctx, bool in, u8 *seg, u8 *asz)
{
	u8 buf[HX_INSN_MAX_LEN];
	u32 avail;

	if (fetch_insn(ctx, linear(s, 1, vcpu->regs.rip), buf, &avail))
		return -EFAULT;
	if (hx_decode_string_io(buf, avail, decode_mode(s), seg, asz))
		return -EINVAL;
	/* OUTS reads DS (overridable); INS always writes ES. */
	if (in || *seg == HX_SEG_NONE)
		*seg = in ? 0 : 3;
	return 0;
}

/*
 * INS/OUTS (REP or not): up to HXEN_IO_DATA_MAX bytes per exit, copied
 * through the guest page tables.  With RCX left non-zero, RIP stays on the
 * instruction and the guest re-executes it for the rest.
 */
static int exit_string_io(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	struct hxen_run *run = vcpu->run;
	u8 size = exit->io.size, asz, seg;
	u64 mask, count, n, i, idx;
	bool df = vcpu->regs.rflags & RFLAGS_DF;
	struct hx_walk_ctx ctx;
	struct hxen_sregs s;

	hx_ops->get_sregs(vcpu, &s);
	hx_vcpu_walk_ctx(vcpu, &ctx);
	if (!size || size > 4 ||
	    string_io_operands(vcpu, &s, &ctx, exit->io.in, &seg, &asz))
		return hx_internal_error(vcpu, HXEN_INTERNAL_STRING_IO, exit->code,
					 exit->info1, exit->info2);
	mask = addr_mask(asz);
	count = exit->io.rep ? (vcpu->regs.rcx & mask) : 1;
	if (!count)
		return advance(vcpu, exit);
	n = min_t(u64, count, HXEN_IO_DATA_MAX / size);

	run->exit_reason = HXEN_EXIT_IO;
	run->io.port = exit->io.port;
	run->io.size = size;
	run->io.count = n;
	if (exit->io.in) {
		run->io.direction = HXEN_IO_IN;
		vcpu->pending = (struct hx_pending) {
			.kind = HX_PENDING_IO_IN, .size = size, .string = 1,
			.rep = exit->io.rep, .addr_size = asz, .count = n,
			.next_rip = vcpu->regs.rip + exit->insn_len,
		};
		if (!exit->insn_len)
			return hx_internal_error(vcpu, HXEN_INTERNAL_STRING_IO,
						 exit->code, exit->info1, exit->info2);
		return HX_TO_USER;
	}

	run->io.direction = HXEN_IO_OUT;
	idx = vcpu->regs.rsi & mask;
	for (i = 0; i < n; i++) {
		u64 off = (idx + (df ? -i : i) * size) & mask;

		if (hx_copy_from_guest(&ctx, run->io.data + i * size,
				       linear(&s, seg, off), size))
			return hx_internal_error(vcpu, HXEN_INTERNAL_FAULT, exit->code,
						 exit->info1, linear(&s, seg, off));
	}
	set_sized(&vcpu->regs.rsi, idx + (df ? -n : n) * size, asz);
	if (exit->io.rep)
		set_sized(&vcpu->regs.rcx, count - n, asz);
	if (count == n)
		advance(vcpu, exit);	/* sets an internal error if it cannot */
	return HX_TO_USER;
}

static int exit_io(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	struct hxen_run *run = vcpu->run;
	u8 size = exit->io.size;
	u32 val;

	if (exit->io.string)
		return exit_string_io(vcpu, exit);
	if (size != 1 && size != 2 && size != 4)
		return hx_internal_error(vcpu, HXEN_INTERNAL_UNHANDLED_EXIT, exit->code,
					 exit->info1, exit->info2);
	run->exit_reason = HXEN_EXIT_IO;
	run->io.port = exit->io.port;
	run->io.size = size;
	run->io.count = 1;
	if (exit->io.in) {
		run->io.direction = HXEN_IO_IN;
		memset(run->io.data, 0, 4);
		if (!exit->insn_len)
			return advance(vcpu, exit);	/* internal error */
		vcpu->pending = (struct hx_pending) {
			.kind = HX_PENDING_IO_IN, .size = size,
			.next_rip = vcpu->regs.rip + exit->insn_len,
		};
		return HX_TO_USER;
	}
	run->io.direction = HXEN_IO_OUT;
	val = (u32)hx_trunc(vcpu->regs.rax, size);
	memcpy(run->io.data, &val, size);
	/* OUT is complete once user space has seen it: advance now. */
	advance(vcpu, exit);	/* sets an internal error if it cannot */
	return HX_TO_USER;
}

static int complete_string_in(struct hx_vcpu *vcpu, struct hx_pending *p)
{
	struct hxen_run *run = vcpu->run;
	u64 mask = addr_mask(p->addr_size), count, idx, i;
	bool df = vcpu->regs.rflags & RFLAGS_DF;
	struct hx_walk_ctx ctx;
	struct hxen_sregs s;

	hx_ops->get_sregs(vcpu, &s);
	hx_vcpu_walk_ctx(vcpu, &ctx);
	count = p->rep ? (vcpu->regs.rcx & mask) : 1;
	idx = vcpu->regs.rdi & mask;
	for (i = 0; i < p->count; i++) {
		u64 off = (idx + (df ? -i : i) * p->size) & mask;

		/* INS always stores through ES [SDM INS]. */
		if (hx_copy_to_guest(&ctx, linear(&s, 0, off), run->io.data + i * p->size,
				     p->size))
			return hx_internal_error(vcpu, HXEN_INTERNAL_FAULT, 0, 0,
						 linear(&s, 0, off));
	}
	set_sized(&vcpu->regs.rdi, idx + (df ? -(u64)p->count : p->count) * p->size,
		  p->addr_size);
	if (p->rep)
		set_sized(&vcpu->regs.rcx, count - p->count, p->addr_size);
	if (count - p->count == 0) {
		vcpu->regs.rip = p->next_rip;
		hx_ops->clear_int_shadow(vcpu);
	}
	return HX_RESUME;
}

/* Store an MMIO/IN result into a GPR with x86 partial-register rules. */
void hx_store_reg(struct hx_vcpu *vcpu, u8 reg, bool high8, u8 size, u64 val)
{
	u64 *r = hx_gpr(vcpu, reg);

	switch (size) {
	case 1:
		if (high8)
			*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
		else
			*r = (*r & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*r = (*r & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		*r = (u32)val;
		break;
	default:
		*r = val;
		break;
	}
}

int hx_complete_pending(struct hx_vcpu *vcpu)
{
	struct hx_pending *p = &vcpu->pending;
	struct hxen_run *run = vcpu->run;
	int ret = HX_RESUME;
	u64 val = 0;

	switch (p->kind) {
	case HX_PENDING_NONE:
		return HX_RESUME;
	case HX_PENDING_IO_IN:
		if (p->string) {
			ret = complete_string_in(vcpu, p);
			break;
		}
		memcpy(&val, run->io.data, p->size);
		hx_store_reg(vcpu, 0, false, p->size, val);
		vcpu->regs.rip = p->next_rip;
		hx_ops->clear_int_shadow(vcpu);
		break;
	case HX_PENDING_MMIO_READ:
		memcpy(&val, run->mmio.data, p->mem_size);
		if (p->sext)
			val = hx_sext(val, p->mem_size * 8);
		hx_store_reg(vcpu, p->reg, p->high8, p->size, val);
		vcpu->regs.rip = p->next_rip;
		hx_ops->clear_int_shadow(vcpu);
		break;
	default:
		break;
	}
	p->kind = HX_PENDING_NONE;
	return ret;
}

/* --- MMIO -------------------------------------------------------------- */

static int decode_mode(const struct hxen_sregs *s)
{
	if (!(s->cr0 & CR0_PE))
		return HX_MODE_16;
	if (long_mode64(s))
		return HX_MODE_64;
	return s->cs.db ? HX_MODE_32 : HX_MODE_16;
}

/* Fetch up to 15 bytes at @rip_lin; the instruction may end before a bad page. */
static int fetch_insn(struct hx_walk_ctx *ctx, u64 rip_lin, u8 *buf, u32 *avail)
{
	u32 first = min_t(u32, HX_INSN_MAX_LEN, PAGE_SIZE - (rip_lin & ~PAGE_MASK));

	memset(buf, 0, HX_INSN_MAX_LEN);
	if (hx_fetch_guest(ctx, buf, rip_lin, first))
		return -EFAULT;
	*avail = first;
	if (first < HX_INSN_MAX_LEN &&
	    !hx_fetch_guest(ctx, buf + first, rip_lin + first, HX_INSN_MAX_LEN - first))
		*avail = HX_INSN_MAX_LEN;
	return 0;
}

static int exit_mmio(struct hx_vcpu *vcpu, const struct hx_exit *exit, bool write)
{
	struct hxen_run *run = vcpu->run;
	u8 buf[HX_INSN_MAX_LEN];
	struct hx_walk_ctx ctx;
	struct hxen_sregs s;
	struct hx_insn insn;
	u64 rip_lin, info = 0;
	u32 avail;
	int ret;

	hx_ops->get_sregs(vcpu, &s);
	hx_vcpu_walk_ctx(vcpu, &ctx);
	rip_lin = linear(&s, 1, vcpu->regs.rip);
	if (fetch_insn(&ctx, rip_lin, buf, &avail))
		return hx_internal_error(vcpu, HXEN_INTERNAL_FAULT, exit->code,
					 rip_lin, exit->npf.gpa);

	ret = hx_decode(buf, avail, decode_mode(&s), &insn);
	memcpy(&info, buf, 8);
	if (ret || (insn.dir == HX_DEC_STORE) != write)
		return hx_internal_error(vcpu, HXEN_INTERNAL_EMULATION, exit->code,
					 info, exit->npf.gpa);
	if (hx_lapic_page(vcpu, exit->npf.gpa))
		return hx_lapic_access(vcpu, exit, &insn, exit->npf.gpa);

	run->exit_reason = HXEN_EXIT_MMIO;
	run->mmio.gpa = exit->npf.gpa;
	run->mmio.len = insn.mem_size;
	memset(run->mmio.pad, 0, sizeof(run->mmio.pad));
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write) {
		u64 val = insn.has_imm ? insn.imm : *hx_gpr(vcpu, insn.reg);

		if (insn.high8)
			val >>= 8;
		val = hx_trunc(val, insn.mem_size);
		run->mmio.direction = HXEN_MMIO_WRITE;
		memcpy(run->mmio.data, &val, insn.mem_size);
		vcpu->regs.rip += insn.len;
		hx_ops->clear_int_shadow(vcpu);
		return HX_TO_USER;
	}
	run->mmio.direction = HXEN_MMIO_READ;
	vcpu->pending = (struct hx_pending) {
		.kind = HX_PENDING_MMIO_READ, .size = insn.reg_size,
		.mem_size = insn.mem_size, .reg = insn.reg, .sext = insn.sext,
		.high8 = insn.high8, .next_rip = vcpu->regs.rip + insn.len,
	};
	return HX_TO_USER;
}

static int exit_npf(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	struct hx_slot *slot = hx_slot_find(vcpu->vm, exit->npf.gpa);
	bool write = exit->npf.access & HX_NPF_WRITE;

	if (!slot && vcpu->vm->xen) {
		int r = hx_xen_npf(vcpu, exit->npf.gpa);

		if (!r)
			return HX_RESUME;
		if (r != -ENOENT)
			return hx_internal_error(vcpu, HXEN_INTERNAL_FAULT, exit->code,
						 exit->info1, exit->info2);
	}
	if (!slot)
		return exit_mmio(vcpu, exit, write);
	if ((slot->flags & HXEN_MEM_READONLY) && write)
		return exit_mmio(vcpu, exit, true);
	/* RAM is mapped on first touch (hx_mmu.c). */
	if (!hx_mmu_fault(vcpu->vm, slot, exit->npf.gpa, write))
		return HX_RESUME;
	pr_warn_ratelimited("hxen: vm %llu vcpu %u: guest RAM at gpa %#llx is not mapped %s by the monitor (hva %#llx): stopping the vCPU\n",
			    vcpu->vm->serial, vcpu->id, exit->npf.gpa,
			    write ? "writable" : "readable",
			    slot->uaddr + (exit->npf.gpa - slot->gpa));
	return hx_internal_error(vcpu, HXEN_INTERNAL_FAULT, exit->code,
				 exit->info1, exit->info2);
}

/* --- XSETBV, hypercalls ------------------------------------------------ */

static int exit_xsetbv(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	u64 val = (vcpu->regs.rax & 0xffffffffULL) | (vcpu->regs.rdx << 32);

	if (!hx_vm_xcr0_supported(vcpu->vm)) {
		hx_ops->inject_exception(vcpu, X86_UD, false, 0);
		return HX_RESUME;
	}
	if ((u32)vcpu->regs.rcx != 0 || hx_ops->get_cpl(vcpu) != 0 ||
	    hx_vcpu_set_xcr0(vcpu, val)) {
		inject_gp(vcpu);
		return HX_RESUME;
	}
	return advance(vcpu, exit);
}

static int exit_hypercall(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	int ret;

	if (!vcpu->vm->xen) {
		hx_ops->inject_exception(vcpu, X86_UD, false, 0);
		return HX_RESUME;
	}
	if (!exit->insn_len)
		return advance(vcpu, exit);	/* internal error */
	ret = hx_xen_hypercall(vcpu, exit->insn_len);
	switch (ret) {
	case HX_HCALL_DONE:
		return advance(vcpu, exit);
	case HX_HCALL_RETRY:
		return HX_RESUME;
	case HX_HCALL_EXIT:
		advance(vcpu, exit);
		return HX_TO_USER;
	case HX_HCALL_BLOCK:
		advance(vcpu, exit);
		return HX_HALT;
	default:
		return hx_internal_error(vcpu, HXEN_INTERNAL_UNHANDLED_EXIT, exit->code,
					 ret, exit->info2);
	}
}

int hx_handle_exit(struct hx_vcpu *vcpu, const struct hx_exit *exit)
{
	struct hxen_run *run = vcpu->run;

	switch (exit->kind) {
	case HX_EXIT_CONTINUE:
		return HX_RESUME;
	case HX_EXIT_CPUID:
		return exit_cpuid(vcpu, exit);
	case HX_EXIT_RDMSR:
		return exit_msr(vcpu, exit, false);
	case HX_EXIT_WRMSR:
		return exit_msr(vcpu, exit, true);
	case HX_EXIT_HLT:
		return exit_hlt(vcpu, exit);
	case HX_EXIT_IO:
		return exit_io(vcpu, exit);
	case HX_EXIT_NPF:
		return exit_npf(vcpu, exit);
	case HX_EXIT_SHUTDOWN:
		run->exit_reason = HXEN_EXIT_SHUTDOWN;
		return HX_TO_USER;
	case HX_EXIT_HYPERCALL:
		return exit_hypercall(vcpu, exit);
	case HX_EXIT_IRQ_WINDOW:
		hx_ops->request_irq_window(vcpu, false);
		return HX_RESUME;
	case HX_EXIT_XSETBV:
		return exit_xsetbv(vcpu, exit);
	case HX_EXIT_UD:
		hx_ops->inject_exception(vcpu, X86_UD, false, 0);
		return HX_RESUME;
	case HX_EXIT_FAIL_ENTRY:
		run->exit_reason = HXEN_EXIT_FAIL_ENTRY;
		run->fail_entry.hw_reason = exit->code;
		run->fail_entry.qualification = exit->info1;
		return HX_TO_USER;
	case HX_EXIT_UNHANDLED:
	default:
		return hx_internal_error(vcpu, HXEN_INTERNAL_UNHANDLED_EXIT, exit->code,
					 exit->info1, exit->info2);
	}
}
