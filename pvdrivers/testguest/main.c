// SPDX-License-Identifier: GPL-2.0
/*
 * testguest.elf: run every check in order, print TAP on COM1 and power off
 * with the verdict (TG_EXIT_*).  To add a check see docs/testguest.md.
 */
#include "tg.h"
#include "cpu.h"
#include "checks.h"

static const struct tg_check *const checks[] = {
	&tg_check_boot,
	&tg_check_cpuid,
	&tg_check_msr,
	&tg_check_pio,
	&tg_check_mmio,
	&tg_check_irq,
	&tg_check_bench,
	&tg_check_quiet,	/* last: sees interrupts from all the above */
};

void tg_main(uint32_t start_info)
{
	unsigned int i, plan = 0, before, emitted;

	tg_start_info = start_info;
	uart_init();
	pic_mask_all();
	trap_init();

	for (i = 0; i < ARRAY_SIZE(checks); i++)
		plan += checks[i]->ntests;
	tg_printf("# hxen test guest\n");
	tap_plan(plan);

	for (i = 0; i < ARRAY_SIZE(checks); i++) {
		tap_begin_check(checks[i]->name);
		before = tap_count();
		checks[i]->run();
		emitted = tap_count() - before;
		if (emitted != checks[i]->ntests)
			tap_bail("check %s emitted %u results, declared %u",
				 checks[i]->name, emitted, checks[i]->ntests);
	}
	tg_poweroff(tap_failed() ? TG_EXIT_FAIL : TG_EXIT_PASS);
}
