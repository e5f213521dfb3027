// SPDX-License-Identifier: GPL-2.0
/*
 * The few ports of the PVH platform (a device model, claimed only when a
 * PVH kernel was booted): the ACPI sleep control/status registers of the
 * FADT, where Linux's S5 becomes a power-off, and a PIT that is not there.
 */
#include <stdint.h>

#include "monitor/acpi.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/pvh.h"

static uint32_t sleep_read(void *opaque, uint16_t off, unsigned int size)
{
	/* WAK_STS never sets: S5 does not come back */
	return 0;
}

static void sleep_write(void *opaque, uint16_t off, unsigned int size,
			uint32_t val)
{
	struct dev_env *env = opaque;

	if (acpi_sleep_write(ACPI_SLEEP_CONTROL_PORT + off, val) ==
	    ACPI_SLEEP_POWEROFF) {
		mon_info("guest powered off (ACPI S5)");
		env->stop(env, MON_EXIT_POWEROFF, "ACPI S5");
	}
}

static const struct dev_pio_ops sleep_ops = {
	.read = sleep_read, .write = sleep_write,
};

/*
 * PVH has no PIT.  An unbacked port reads all-ones, which Linux's quick
 * PIT calibration (arch/x86/kernel/tsc.c, pit_expect_msb) takes for a
 * counter stuck at MSB 0xff and samples 50,000 times, two port reads
 * each, before giving up: ~100,000 exits per boot.  A channel-2 counter
 * that reads 0 fails its first sample; the TSC rate comes from pvclock.
 */
static uint32_t pit2_read(void *opaque, uint16_t off, unsigned int size)
{
	return 0;
}

static void pit2_write(void *opaque, uint16_t off, unsigned int size,
		       uint32_t val)
{
}

static const struct dev_pio_ops pit2_ops = {
	.read = pit2_read, .write = pit2_write,
};

#define PIT_CH2_PORT	0x42

static int pvh_platform_init(struct dev_env *env)
{
	int r;

	if (!pvh_booted())
		return 0;
	r = dev_claim_pio(ACPI_SLEEP_CONTROL_PORT, 2, &sleep_ops, env,
			  DEV_BYTE_ONLY, "acpi-sleep");
	if (!r)
		r = dev_claim_pio(PIT_CH2_PORT, 1, &pit2_ops, NULL,
				  DEV_BYTE_ONLY, "no-pit");
	return r;
}

static struct dev_model pvh_platform_model = {
	.name = "pvh-platform", .init = pvh_platform_init,
};
DEV_MODEL(pvh_platform_model)
