/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-physical memory layout: a small sorted table of regions.  RAM
 * regions are backed by one anonymous MAP_NORESERVE mapping and become
 * module slots (monitor/vm.c); other regions (reserved, special pages,
 * ACPI, ...) may be added by the boot code before mon_mem_alloc().
 * Host-independent: the ELF loader and its unit tests use it directly.
 */
#ifndef MON_MEM_H
#define MON_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MON_PAGE_SIZE		4096ULL
/* RAM above this GPA moves to 4 GiB: the gap holds MMIO (test device,
 * LAPIC, special pages). */
#define MON_LOWMEM_END		0xc0000000ULL
#define MON_HIGHMEM_START	0x100000000ULL
#define MON_MEM_MAX_REGIONS	32

/* e820 / hvm_memmap_table_entry type numbers (xen-abi.md B.3) */
enum mon_mem_type {
	MON_MEM_RAM = 1,
	MON_MEM_RESERVED = 2,
	MON_MEM_ACPI = 3,
	MON_MEM_NVS = 4,
};

struct mon_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint32_t type;		/* enum mon_mem_type */
	uint32_t slot_flags;	/* HXEN_MEM_* when registered as a slot */
	bool backed;		/* gets host memory from mon_mem_alloc() */
	uint8_t *host;		/* set by mon_mem_alloc() or by the caller */
	const char *name;
};

struct mon_mem {
	struct mon_mem_region r[MON_MEM_MAX_REGIONS];
	unsigned int n;
	uint64_t ram_size;	/* bytes of RAM requested */
	void *map;		/* the single anonymous mapping */
	size_t map_size;
	void *res;		/* ... inside this one (mon_mem_alloc) */
	size_t res_size;
	/*
	 * Guest RAM the monitor writes itself, which no nested-paging dirty
	 * log sees (live migration): one bit per page and backed region,
	 * @written since the last look (while @wlog_on), @held for pages the
	 * backends keep mapped and write at any time (never cleared).
	 */
	uint64_t *written[MON_MEM_MAX_REGIONS];
	uint64_t *held[MON_MEM_MAX_REGIONS];
	bool wlog_on;
};

/* Build the default layout for @ram bytes (no allocation). */
int mon_mem_layout(struct mon_mem *m, uint64_t ram, char *err, size_t errlen);
/* Insert a region, keeping the table sorted; overlaps are refused. */
int mon_mem_add(struct mon_mem *m, const struct mon_mem_region *r,
		char *err, size_t errlen);
/* Map host memory for every backed region lacking one. */
int mon_mem_alloc(struct mon_mem *m, char *err, size_t errlen);
void mon_mem_free(struct mon_mem *m);

/* The monitor wrote (or will write) the page at @gpa (thread-safe). */
void mon_mem_note_write(const struct mon_mem *m, uint64_t gpa);
/* The page at @gpa stays mapped for writing (ring pages). */
void mon_mem_note_held(const struct mon_mem *m, uint64_t gpa);
/* Start noting writes (the bitmaps cleared) or stop. */
void mon_mem_wlog(struct mon_mem *m, bool on);

/* Host pointer for [gpa, gpa+len) if it lies inside one RAM region. */
void *mon_mem_ram_ptr(const struct mon_mem *m, uint64_t gpa, uint64_t len);
/* Exclusive end of the highest region. */
uint64_t mon_mem_top(const struct mon_mem *m);

#endif /* MON_MEM_H */
