// SPDX-License-Identifier: GPL-2.0
/*
 * TAP (Test Anything Protocol, version 12) output: "1..N", "ok N - name",
 * "not ok N - name # details", "# diagnostic", "Bail out! reason".  The
 * guest ends by writing the verdict to the test device's power-off port.
 */
#include "tg.h"
#include "cpu.h"
#include "hxen/testdev.h"

static unsigned int tap_next = 1;
static unsigned int tap_failures;
static const char *tap_check = "startup";

void tap_plan(unsigned int n)
{
	tg_printf("1..%u\n", n);
}

void tap_begin_check(const char *name)
{
	tap_check = name;
}

unsigned int tap_count(void)
{
	return tap_next - 1;
}

int tap_failed(void)
{
	return tap_failures != 0;
}

int tap_ok(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!cond)
		tap_failures++;
	tg_printf("%sok %u - %s", cond ? "" : "not ", tap_next++, name);
	if (!cond && fmt) {
		tg_printf(" # ");
		va_start(ap, fmt);
		tg_vprintf(fmt, ap);
		va_end(ap);
	}
	uart_putc('\n');
	return cond;
}

void tap_skip(const char *name, const char *why)
{
	tg_printf("ok %u - %s # SKIP %s\n", tap_next++, name, why);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	tg_printf("# ");
	va_start(ap, fmt);
	tg_vprintf(fmt, ap);
	va_end(ap);
	uart_putc('\n');
}

void tg_poweroff(unsigned int code)
{
	outb(HXEN_TESTDEV_POWEROFF, (uint8_t)code);
	/* Only reached if nothing claims the port: stop here for good. */
	for (;;)
		asm volatile("cli; hlt");
}

/*
 * Called from the trap handler too, so it only prints and powers off; the
 * failing check is reported as the next TAP number so a harness counting
 * lines sees where the run stopped.
 */
void tap_bail(const char *fmt, ...)
{
	va_list ap;

	cli();
	tg_printf("not ok %u - %s # ", tap_next++, tap_check);
	va_start(ap, fmt);
	tg_vprintf(fmt, ap);
	va_end(ap);
	tg_printf("\nBail out! ");
	va_start(ap, fmt);
	tg_vprintf(fmt, ap);
	va_end(ap);
	uart_putc('\n');
	tg_poweroff(TG_EXIT_BAIL);
}
