// SPDX-License-Identifier: GPL-2.0
/*
 * The balloon target (KSM: monitor/mem_ksm.c).
 *
 * Guest RAM is --memory (xl's maxmem): the module maps it on demand, so
 * RAM the guest never touches costs nothing.  --target (xl's memory)
 * is what xenstore memory/target says at boot; Linux's xen-balloon then
 * gives the rest back with XENMEM_decrease_reservation, and the module
 * returns those pages to the host.  `hxen mem-set` writes the target
 * again at run time.  memory/static-max stays --memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "monitor/balloon.h"
#include "monitor/config.h"
#include "monitor/pvh.h"

static struct {
	uint64_t target;	/* bytes, 0 = all of --memory */
} bopts;

uint64_t mon_balloon_boot_kib(uint64_t mem_kib)
{
	uint64_t t = bopts.target >> 10;

	return t && t < mem_kib ? t : mem_kib;
}

int mon_balloon_set_target(uint64_t kib)
{
	return pvh_mem_target(kib);
}

static int set_target(struct mon_config *cfg, const char *arg, char *err,
		      size_t errlen)
{
	if (mon_parse_size(arg, &bopts.target) || bopts.target < (16ULL << 20) ||
	    (bopts.target & 0xfff)) {
		snprintf(err, errlen, "bad --target '%s': a size of at least 16M "
			 "(K/M/G suffix), at most --memory", arg);
		return -EINVAL;
	}
	return 0;
}

static const struct mon_option balloon_options[] = {
	{ "target", 0, "SIZE", "balloon target at boot (xenstore memory/target; "
	  "default: all of --memory, which is the maximum)", set_target },
};

MON_OPTIONS(balloon, balloon_options);
