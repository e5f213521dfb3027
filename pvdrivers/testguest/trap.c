// SPDX-License-Identifier: GPL-2.0
/*
 * IDT and trap dispatch.  Exceptions (vectors 0-31) are fatal unless the
 * faulting RIP is listed in the exception table (cpu.h TG_EXTABLE); then
 * the vector is recorded and execution resumes at the fixup address.
 * Vectors 32-255 go to a registered handler or are counted as unexpected.
 */
#include "tg.h"
#include "cpu.h"

#define TG_CS64		0x08
#define GATE_INTR64	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define NR_VECTORS	256
#define NR_EXCEPTIONS	32
#define STUB_SIZE	16

/* Pushed by traps.S: saved GPRs, then vector, error code, CPU frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __attribute__((packed));

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame");

extern const char tg_trap_stubs[];
extern const struct extable_entry __tg_extable_start[], __tg_extable_end[];

volatile int tg_fault_vector = TG_NO_FAULT;

static struct idt_gate idt[NR_VECTORS] __attribute__((aligned(16)));
static tg_irq_fn irq_handlers[NR_VECTORS];
static volatile unsigned int unexpected_irqs;
static volatile unsigned int unexpected_last;

static const char *const exc_names[NR_EXCEPTIONS] = {
	[0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF",
	[5] = "#BR", [6] = "#UD", [7] = "#NM", [8] = "#DF", [10] = "#TS",
	[11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF",
	[16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
	[20] = "#VE", [21] = "#CP", [29] = "#VC", [30] = "#SX",
};

void trap_set_irq_handler(unsigned int vector, tg_irq_fn fn)
{
	if (vector >= NR_EXCEPTIONS && vector < NR_VECTORS)
		irq_handlers[vector] = fn;
}

unsigned int trap_unexpected_irqs(unsigned int *last_vector)
{
	if (last_vector)
		*last_vector = unexpected_last;
	return unexpected_irqs;
}

static const struct extable_entry *extable_find(uint64_t rip)
{
	const struct extable_entry *e;

	for (e = __tg_extable_start; e < __tg_extable_end; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

void trap_dispatch(struct trap_frame *f);

void trap_dispatch(struct trap_frame *f)
{
	unsigned int v = (unsigned int)f->vector;
	const struct extable_entry *fix;
	const char *name;

	if (v >= NR_EXCEPTIONS) {
		if (irq_handlers[v]) {
			irq_handlers[v](v);
		} else {
			unexpected_irqs++;
			unexpected_last = v;
		}
		return;
	}

	fix = extable_find(f->rip);
	if (fix) {
		tg_fault_vector = (int)v;
		f->rip = fix->fixup;
		return;
	}

	name = exc_names[v] ? exc_names[v] : "reserved";
	tap_bail("unexpected exception %s (vector %u) error=0x%llx rip=0x%llx cr2=0x%llx rsp=0x%llx",
		 name, v, (unsigned long long)f->error,
		 (unsigned long long)f->rip, (unsigned long long)read_cr2(),
		 (unsigned long long)f->rsp);
}

void trap_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;
	unsigned int v;

	for (v = 0; v < NR_VECTORS; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(tg_trap_stubs + v * STUB_SIZE);

		idt[v].off_lo = (uint16_t)a;
		idt[v].sel = TG_CS64;
		idt[v].ist = 0;
		idt[v].type = GATE_INTR64;
		idt[v].off_mid = (uint16_t)(a >> 16);
		idt[v].off_hi = (uint32_t)(a >> 32);
		idt[v].reserved = 0;
	}
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uint64_t)(uintptr_t)idt;
	asm volatile("lidt %0" : : "m"(idtr));
}

/*
 * The firmware a generic PC loader runs may leave the 8259s unmasked with
 * the timer on vector 8; mask both so only injected vectors arrive.  On a
 * machine without PICs these writes go to unclaimed ports and are ignored.
 */
void pic_mask_all(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}
