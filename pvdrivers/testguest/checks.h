/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A check emits exactly @ntests TAP lines (tap_ok/tap_skip).  main.c sums
 * them for the plan and reports any check that emits a different number.
 */
#ifndef _TG_CHECKS_H
#define _TG_CHECKS_H

struct tg_check {
	const char *name;
	unsigned int ntests;
	void (*run)(void);
};

/* hvm_start_info GPA from EBX at entry, 0 if the VMM passed none. */
extern uint32_t tg_start_info;

extern const struct tg_check tg_check_boot;
extern const struct tg_check tg_check_cpuid;
extern const struct tg_check tg_check_msr;
extern const struct tg_check tg_check_pio;
extern const struct tg_check tg_check_mmio;
extern const struct tg_check tg_check_irq;
extern const struct tg_check tg_check_bench;
extern const struct tg_check tg_check_quiet;

#endif /* _TG_CHECKS_H */
