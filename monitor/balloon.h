/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory policy in the monitor (monitor/balloon.c): the balloon
 * target (--target, `hxen mem-set` through xenstore memory/target) and
 * KSM (--ksm: guest RAM is MADV_MERGEABLE).
 */
#ifndef MON_BALLOON_H
#define MON_BALLOON_H

#include <stddef.h>
#include <stdint.h>

/* memory/target at boot, KiB: --target, or all of @mem_kib. */
uint64_t mon_balloon_boot_kib(uint64_t mem_kib);
/* Write memory/target (KiB) for the guest's balloon driver; 0 or -errno. */
int mon_balloon_set_target(uint64_t kib);
/* Advice for freshly mapped guest RAM (KSM). */
void mon_mem_advise(void *p, size_t len);

#endif /* MON_BALLOON_H */
