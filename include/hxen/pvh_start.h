/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen PVH start-of-day structure, version 1, as the VMM hands it to a
 * PVH kernel in EBX (xen-abi.md B.2) [xen/include/public/arch-x86/hvm/
 * start_info.h].  Layout only (stdint types, no libc), so that the monitor
 * that writes it and the freestanding test guest that reads it share one
 * definition.
 */
#ifndef HXEN_PVH_START_H
#define HXEN_PVH_START_H

#include <stdint.h>

#define HVM_START_MAGIC		0x336ec578U

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;		/* version >= 1 */
	uint32_t memmap_entries;	/* version >= 1 */
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;			/* E820 type */
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry");

#endif /* HXEN_PVH_START_H */
