// SPDX-License-Identifier: GPL-2.0
/*
 * Entry state: if the VMM passed a start-info pointer in EBX it must be a
 * struct hvm_start_info (Xen public arch-x86/hvm/start_info.h).
 */
#include "hxen/pvh_start.h"
#include "tg.h"
#include "cpu.h"
#include "checks.h"

#define CMDLINE_MAX		160

uint32_t tg_start_info;

/* The command line is guest memory the VMM wrote: print it defensively. */
static void diag_cmdline(uint64_t gpa)
{
	char buf[CMDLINE_MAX + 1];
	const char *s = (const char *)(uintptr_t)gpa;
	unsigned int i;

	if (!gpa || gpa >= (1ull << 32) - CMDLINE_MAX)
		return;
	for (i = 0; i < CMDLINE_MAX && s[i]; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	tap_diag("cmdline: \"%s\"", buf);
}

static void run_boot(void)
{
	const struct hvm_start_info *si;

	if (!tg_start_info) {
		tap_skip("boot: hvm_start_info magic", "EBX was 0");
		return;
	}
	si = (const struct hvm_start_info *)(uintptr_t)tg_start_info;
	tap_diag("start info at 0x%x: version %u, %u modules, %u memmap entries",
		 tg_start_info, si->version, si->nr_modules,
		 si->memmap_entries);
	if (si->magic == HVM_START_MAGIC)
		diag_cmdline(si->cmdline_paddr);
	tap_ok(si->magic == HVM_START_MAGIC && si->flags == 0,
	       "boot: hvm_start_info magic", "magic 0x%x flags 0x%x",
	       si->magic, si->flags);
}

const struct tg_check tg_check_boot = { "boot", 1, run_boot };
