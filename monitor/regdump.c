// SPDX-License-Identifier: GPL-2.0
/* Register dump for fatal exits: GPRs, RIP, RFLAGS, control registers,
 * EFER and segments, read back from the module. */
#include <inttypes.h>

#include "monitor/monitor.h"

static void seg(FILE *f, const char *n, const struct hxen_segment *s)
{
	fprintf(f, "  %-3s sel %04x base %016" PRIx64 " limit %08x type %x "
		"p%u dpl%u db%u s%u l%u g%u%s\n", n, s->selector,
		(uint64_t)s->base, s->limit, s->type, s->present, s->dpl,
		s->db, s->s, s->l, s->g, s->unusable ? " unusable" : "");
}

void mon_regdump(struct mon_vcpu *v, FILE *f)
{
	struct hxen_regs r;
	struct hxen_sregs s;

	fprintf(f, "--- vCPU %u registers ---\n", v->hv.id);
	if (hxen_vcpu_get_regs(&v->hv, &r) < 0) {
		fprintf(f, "  (cannot read registers: %s)\n", hxen_last_error());
		if (v->hv.run)
			fprintf(f, "  rip %016" PRIx64 " rflags %016" PRIx64
				" (from the run page)\n",
				(uint64_t)v->hv.run->rip,
				(uint64_t)v->hv.run->rflags);
		return;
	}
	fprintf(f, "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx rsp %016llx rbp %016llx\n"
		"  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
		"  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n"
		"  rip %016llx rflags %016llx\n",
		r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rsp, r.rbp,
		r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15,
		r.rip, r.rflags);
	if (hxen_vcpu_get_sregs(&v->hv, &s) < 0) {
		fprintf(f, "  (cannot read special registers: %s)\n",
			hxen_last_error());
		return;
	}
	fprintf(f, "  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx\n"
		"  cr8 %016llx efer %016llx apic_base %016llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.cr8, s.efer, s.apic_base);
	seg(f, "cs", &s.cs);
	seg(f, "ds", &s.ds);
	seg(f, "es", &s.es);
	seg(f, "fs", &s.fs);
	seg(f, "gs", &s.gs);
	seg(f, "ss", &s.ss);
	seg(f, "tr", &s.tr);
	seg(f, "ldt", &s.ldt);
	fprintf(f, "  gdt base %016llx limit %04x  idt base %016llx limit %04x\n",
		s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
	fflush(f);
}
