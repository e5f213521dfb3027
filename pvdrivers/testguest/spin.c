// SPDX-License-Identifier: GPL-2.0
/*
 * spin.elf: announce itself, then run forever with interrupts enabled so
 * the VMM's kill, pause and timeout paths meet a busy, interruptible vCPU.
 * Injected vectors are taken and counted as unexpected; exceptions bail
 * out like in the test guest.
 */
#include "tg.h"
#include "cpu.h"

void tg_main(uint32_t start_info)
{
	uart_init();
	pic_mask_all();
	trap_init();
	tg_printf("spin: running\n");
	sti();
	for (;;)
		cpu_relax();
}
