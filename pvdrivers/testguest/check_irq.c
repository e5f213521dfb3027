// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt injection from another monitor thread (HXEN_TESTDEV_IRQ):
 * held while RFLAGS.IF=0, taken once IF=1, and waking a halted vCPU.
 * Injection is proven with a bounded spin before any HLT, so a VMM that
 * never injects fails a TAP line instead of halting the guest for good.
 */
#include "tg.h"
#include "cpu.h"
#include "checks.h"
#include "hxen/testdev.h"

#define TEST_VECTOR	0x40
#define HLT_DELAY_US	20000
#define HOLD_CYCLES	200000000ull	/* ~0.1 s: let the injector run */
#define WAIT_CYCLES	10000000000ull	/* ~4 s: give up on delivery */
#define MAX_HALTS	1000

static volatile unsigned int irq_hits;
static volatile unsigned int irq_last_vector;

static void test_irq(unsigned int vector)
{
	irq_hits++;
	irq_last_vector = vector;
}

static void request_irq(uint32_t delay_us)
{
	outl(HXEN_TESTDEV_IRQ, (delay_us << 8) | TEST_VECTOR);
}

static void spin_cycles(uint64_t cycles, int until_hit)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < cycles && !(until_hit && irq_hits))
		cpu_relax();
}

static void run_irq(void)
{
	uint64_t t0, t1;
	unsigned int halts, held, delivered;

	trap_set_irq_handler(TEST_VECTOR, test_irq);

	cli();
	irq_hits = 0;
	request_irq(0);
	spin_cycles(HOLD_CYCLES, 0);
	held = irq_hits;
	tap_ok(held == 0, "irq: injected vector held while IF=0",
	       "%u interrupts taken with IF=0", held);

	sti();
	spin_cycles(WAIT_CYCLES, 1);
	cli();
	delivered = irq_hits;
	tap_ok(delivered == 1 && irq_last_vector == TEST_VECTOR,
	       "irq: injected vector taken once IF=1",
	       "%u interrupts, last vector 0x%x", delivered, irq_last_vector);

	if (delivered == 0) {
		tap_ok(0, "hlt: woken by an interrupt injected 20 ms later",
		       "not attempted: injection does not work, HLT would hang");
		return;
	}

	irq_hits = 0;
	request_irq(HLT_DELAY_US);
	t0 = rdtsc();
	for (halts = 0; halts < MAX_HALTS && !irq_hits; halts++)
		safe_halt_then_cli();
	t1 = rdtsc();
	tap_diag("hlt: %u halt(s), woke after %llu cycles", halts,
		 (unsigned long long)(t1 - t0));
	tap_ok(irq_hits == 1 && halts >= 1,
	       "hlt: woken by an interrupt injected 20 ms later",
	       "%u interrupts after %u halts", irq_hits, halts);
}

const struct tg_check tg_check_irq = { "irq", 3, run_irq };

static void run_quiet(void)
{
	unsigned int last, n = trap_unexpected_irqs(&last);

	tap_ok(n == 0, "irq: no unexpected interrupt vectors",
	       "%u unexpected, last vector 0x%x", n, last);
}

const struct tg_check tg_check_quiet = { "quiet", 1, run_quiet };
