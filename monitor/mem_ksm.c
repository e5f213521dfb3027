// SPDX-License-Identifier: GPL-2.0
/*
 * --ksm: guest RAM is MADV_MERGEABLE, so the host's KSM daemon may share
 * identical pages between guests (and within one).  The module maps guest
 * RAM on demand and follows KSM's merges through its MMU notifier, so
 * nothing is pinned that KSM would have to skip.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include "monitor/balloon.h"
#include "monitor/config.h"

static bool ksm;

void mon_mem_advise(void *p, size_t len)
{
#ifdef MADV_MERGEABLE
	/* A hint: without KSM in the host kernel it fails, harmlessly. */
	if (ksm)
		madvise(p, len, MADV_MERGEABLE);
#endif
}

static int set_ksm(struct mon_config *cfg, const char *arg, char *err,
		   size_t errlen)
{
	ksm = true;
	return 0;
}

static const struct mon_option ksm_options[] = {
	{ "ksm", 0, NULL, "let the host merge identical guest pages (KSM, "
	  "MADV_MERGEABLE)", set_ksm },
};

MON_OPTIONS(ksm, ksm_options);
