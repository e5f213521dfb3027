/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PVH boot information (xen-abi.md B.2-B.4): hvm_start_info v1 with the
 * memory map, command line and initrd module, the ACPI tables, and the
 * "special pages" (xenstore and console rings) of a Xen PVH domU.
 *
 * Guest-physical layout:
 *   0x00000-0x9ffff  RAM: start_info 0x6000, modlist 0x6040, memmap 0x7000,
 *                    cmdline 0x20000
 *   0xa0000-0xfffff  not in the map (Linux reserves it); ACPI at 0xe0000
 *   0x100000-        RAM: kernel at its p_paddr, initrd page-aligned at the
 *                    top of low RAM
 *   0xfeff0000       special pages (reserved): xenstore 0xfeffc,
 *                    console 0xfefff, as Xen's HVM toolstack puts them
 *   RAM end-0xc0000000 and above 4 GiB: free, for grant frames
 */
#ifndef MON_PVH_H
#define MON_PVH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hxen/pvh_start.h"
#include "monitor/loader.h"
#include "monitor/mem.h"

#define PVH_START_INFO_GPA	0x6000ULL
#define PVH_MODLIST_GPA		0x6040ULL
#define PVH_MEMMAP_GPA		0x7000ULL
#define PVH_MEMMAP_MAX		((0x8000 - 0x7000) / 24)
#define PVH_CMDLINE_GPA		0x20000ULL
#define PVH_CMDLINE_MAX		2048	/* x86 COMMAND_LINE_SIZE, with NUL */
#define PVH_LOW_RAM_END		0xa0000ULL
#define PVH_HIGH_RAM_START	0x100000ULL

#define PVH_SPECIAL_GPA		0xfeff0000ULL
#define PVH_SPECIAL_SIZE	0x10000ULL
#define PVH_STORE_PFN		0xfeffcULL
#define PVH_CONSOLE_PFN		0xfefffULL

struct pvh_boot {
	const char *cmdline;		/* NULL = empty */
	const uint8_t *initrd;		/* NULL = none */
	size_t initrd_len;
	unsigned int vcpus;
};

struct pvh_info {
	uint64_t start_info_gpa;	/* EBX at entry */
	uint64_t initrd_gpa;		/* 0 without initrd */
	uint64_t rsdp_gpa;
	unsigned int memmap_entries;
	uint8_t *store_page;		/* host views of the special pages */
	uint8_t *console_page;
};

/* Format a message into @err (of @errlen bytes) and return @e. */
int pvh_err(int e, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Before mon_mem_alloc(): reserve the special-pages region. */
int pvh_mem_layout(struct mon_mem *m, char *err, size_t errlen);

/*
 * After the kernel is loaded: write start_info, memmap, cmdline, initrd
 * and ACPI tables into guest memory.  Errors (-E2BIG cmdline, -ENOSPC
 * initrd or memmap, -ENOEXEC kernel overlapping the boot area) come with
 * a message telling the user what to change.
 */
int pvh_setup(struct mon_mem *m, const struct mon_image *img,
	      const struct pvh_boot *b, struct pvh_info *out,
	      char *err, size_t errlen);

/* Find and clear the xenstore and console ring pages: 0 or -EINVAL. */
int pvh_special_pages(const struct mon_mem *m, struct pvh_info *out);

/* Fill @tab from the layout; returns the entry count or -ENOSPC. */
int pvh_memmap(const struct mon_mem *m, struct hvm_memmap_table_entry *tab,
	       unsigned int max);

/*
 * The VM's xenstore for monitor-side backends (vbd, vif, ...): returns it
 * locked, or NULL when the guest has none (then do not unlock).  Use the
 * xs_* calls of monitor/xs.h (domain 0: no permission checks), then
 * pvh_xs_unlock(); watch callbacks run with the lock held.  The guest is
 * domain 1: its tree is /local/domain/1, backends go under
 * /local/domain/0/backend/<type>/1/<id> (readable by the guest).
 */
struct xs;
struct xs *pvh_xs_lock(void);
int pvh_mem_target(uint64_t kib);	/* xenstore memory/target; -EOPNOTSUPP */
void pvh_xs_unlock(void);

/*
 * Ask the guest to power off or reboot through xenstore control/shutdown
 * (monitor/pvh_boot.c).  -EOPNOTSUPP when the guest has no xenstore.
 */
int pvh_request_shutdown(bool reboot);

/*
 * After the VM ended with MON_EXIT_REBOOT: should main() build it again?
 * --on-reboot restart|destroy; by default PVH kernels restart.
 */
struct mon_config;
bool pvh_reboot_restarts(const struct mon_config *cfg);

/* Was the running VM booted through PVH (start_info written)? */
bool pvh_booted(void);

/* save/restore (monitor/state_*.c): the grant table, the console, a poke */
struct be_console;
void *pvh_gnttab(unsigned int *frames);
struct be_console *pvh_console(void);
void pvh_backends_poke(void);
/* live migration: note the grants the backends hold for writing */
void pvh_note_held_grants(void);

#endif /* MON_PVH_H */
