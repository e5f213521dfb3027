// SPDX-License-Identifier: GPL-2.0
/* Port I/O exits to the monitor: the echo register and an unclaimed port. */
#include "tg.h"
#include "cpu.h"
#include "checks.h"
#include "hxen/testdev.h"

/* Outside every range hxen-monitor claims (docs/testguest.md). */
#define UNCLAIMED_PORT	0x0530

static const uint32_t echo_values[] = { 0x12345678, 0xa5a55a5a, 0, ~0u };

static void run_pio(void)
{
	unsigned int i;
	uint32_t got = 0, want = 0;
	uint8_t b;
	uint16_t w;
	uint32_t l;

	for (i = 0; i < ARRAY_SIZE(echo_values); i++) {
		want = echo_values[i];
		outl(HXEN_TESTDEV_ECHO, want);
		got = inl(HXEN_TESTDEV_ECHO);
		if (got != want)
			break;
	}
	tap_ok(got == want, "pio: echo port returns the value written",
	       "wrote 0x%x read 0x%x", want, got);

	b = inb(UNCLAIMED_PORT);
	w = inw(UNCLAIMED_PORT);
	l = inl(UNCLAIMED_PORT);
	tap_ok(b == 0xff && w == 0xffff && l == 0xffffffffu,
	       "pio: unclaimed port reads all-ones",
	       "port 0x%x: inb 0x%x inw 0x%x inl 0x%x", UNCLAIMED_PORT,
	       b, w, l);
}

const struct tg_check tg_check_pio = { "pio", 2, run_pio };
