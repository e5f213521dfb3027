// SPDX-License-Identifier: GPL-2.0
/*
 * PVH boot information.  Linux's PVH entry copies 56 bytes of
 * hvm_start_info from EBX and reads the memmap and modlist through its
 * initial 1 GiB direct map, so all of it lives in low memory; the cmdline
 * and initrd go through 32-bit boot_params fields, so they stay below
 * 4 GiB [xen-abi.md B.2; Linux arch/x86/platform/pvh/enlighten.c].
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "monitor/acpi.h"
#include "monitor/pvh.h"

int pvh_err(int e, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return e;
}

int pvh_mem_layout(struct mon_mem *m, char *err, size_t errlen)
{
	const struct mon_mem_region special = {
		.gpa = PVH_SPECIAL_GPA, .size = PVH_SPECIAL_SIZE,
		.type = MON_MEM_RESERVED, .backed = true,
		.name = "xen-special-pages",
	};

	if (m->n && m->r[0].gpa == 0 && m->r[0].size < 2 * PVH_HIGH_RAM_START)
		return pvh_err(-EINVAL, err, errlen, "PVH guests need at "
			       "least 2 MiB of RAM; give --memory 256M or more"
			       " for Linux");
	return mon_mem_add(m, &special, err, errlen);
}

static int add_entry(struct hvm_memmap_table_entry *tab, unsigned int max,
		     unsigned int *n, uint64_t addr, uint64_t end,
		     uint32_t type)
{
	if (addr >= end)
		return 0;
	if (*n == max)
		return -ENOSPC;
	tab[*n] = (struct hvm_memmap_table_entry){
		.addr = addr, .size = end - addr, .type = type,
	};
	(*n)++;
	return 0;
}

int pvh_memmap(const struct mon_mem *m, struct hvm_memmap_table_entry *tab,
	       unsigned int max)
{
	unsigned int i, n = 0;
	int rc = 0;

	for (i = 0; i < m->n && !rc; i++) {
		const struct mon_mem_region *r = &m->r[i];
		uint64_t end = r->gpa + r->size;

		if (r->type != MON_MEM_RAM) {
			rc = add_entry(tab, max, &n, r->gpa, end, r->type);
			continue;
		}
		/* the legacy hole stays out: Linux adds it as reserved */
		rc = add_entry(tab, max, &n, r->gpa,
			       end < PVH_LOW_RAM_END ? end : PVH_LOW_RAM_END,
			       MON_MEM_RAM);
		if (!rc)
			rc = add_entry(tab, max, &n,
				       r->gpa > PVH_HIGH_RAM_START ? r->gpa :
				       PVH_HIGH_RAM_START, end, MON_MEM_RAM);
	}
	return rc ? rc : (int)n;
}

/* The RAM region holding 1 MiB: where the kernel and the initrd go. */
static const struct mon_mem_region *low_ram(const struct mon_mem *m)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (m->r[i].type == MON_MEM_RAM && m->r[i].gpa == 0 &&
		    m->r[i].size > PVH_HIGH_RAM_START)
			return &m->r[i];
	return NULL;
}

static uint8_t *special_page(const struct mon_mem *m, uint64_t pfn)
{
	uint64_t gpa = pfn << 12;

	for (unsigned int i = 0; i < m->n; i++)
		if (m->r[i].gpa == PVH_SPECIAL_GPA && m->r[i].host &&
		    gpa >= m->r[i].gpa && gpa < m->r[i].gpa + m->r[i].size)
			return m->r[i].host + (gpa - m->r[i].gpa);
	return NULL;
}

int pvh_special_pages(const struct mon_mem *m, struct pvh_info *out)
{
	out->store_page = special_page(m, PVH_STORE_PFN);
	out->console_page = special_page(m, PVH_CONSOLE_PFN);
	if (!out->store_page || !out->console_page)
		return -EINVAL;
	/* a fresh, connected ring each boot (xenstore connection = 0) */
	memset(out->store_page, 0, 4096);
	memset(out->console_page, 0, 4096);
	return 0;
}

static int place_initrd(struct mon_mem *m, const struct mon_image *img,
			const struct pvh_boot *b, uint64_t *gpa,
			char *err, size_t errlen)
{
	const struct mon_mem_region *r = low_ram(m);
	uint64_t top, lo = (img->hi + 4095) & ~4095ULL, at;
	uint8_t *dst;

	if (!r)
		return pvh_err(-ENOSPC, err, errlen, "no RAM above 1 MiB for "
			       "the initrd");
	top = r->gpa + r->size;
	if (top > 1ULL << 32)
		top = 1ULL << 32;	/* boot_params.hdr.ramdisk_image */
	if (lo < PVH_HIGH_RAM_START)
		lo = PVH_HIGH_RAM_START;
	if (b->initrd_len > top || top - b->initrd_len < lo)
		return pvh_err(-ENOSPC, err, errlen, "initrd of %zu KiB does "
			       "not fit in low RAM above the kernel (%" PRIu64
			       " KiB free): give a larger --memory",
			       b->initrd_len >> 10,
			       top > lo ? (top - lo) >> 10 : 0);
	at = (top - b->initrd_len) & ~4095ULL;
	dst = mon_mem_ram_ptr(m, at, b->initrd_len);
	if (!dst)
		return pvh_err(-ENOSPC, err, errlen, "initrd placement at %#"
			       PRIx64 " is not RAM", at);
	memcpy(dst, b->initrd, b->initrd_len);
	*gpa = at;
	return 0;
}

int pvh_setup(struct mon_mem *m, const struct mon_image *img,
	      const struct pvh_boot *b, struct pvh_info *out,
	      char *err, size_t errlen)
{
	const char *cmdline = b->cmdline ? b->cmdline : "";
	size_t clen = strlen(cmdline) + 1;
	struct hvm_start_info *si;
	struct hvm_modlist_entry *mod;
	struct hvm_memmap_table_entry *mm;
	uint8_t *acpi, *cl;
	long alen;
	int n, rc;

	memset(out, 0, sizeof(*out));
	if (clen > PVH_CMDLINE_MAX)
		return pvh_err(-E2BIG, err, errlen, "kernel command line is %zu"
			       " bytes; Linux takes at most %d", clen - 1,
			       PVH_CMDLINE_MAX - 1);
	if (img->lo < PVH_HIGH_RAM_START)
		return pvh_err(-ENOEXEC, err, errlen, "kernel loads at %#"
			       PRIx64 ", below 1 MiB, over the PVH boot "
			       "information", img->lo);
	si = mon_mem_ram_ptr(m, PVH_START_INFO_GPA, sizeof(*si));
	mod = mon_mem_ram_ptr(m, PVH_MODLIST_GPA, sizeof(*mod));
	mm = mon_mem_ram_ptr(m, PVH_MEMMAP_GPA, PVH_MEMMAP_MAX * sizeof(*mm));
	cl = mon_mem_ram_ptr(m, PVH_CMDLINE_GPA, PVH_CMDLINE_MAX);
	acpi = mon_mem_ram_ptr(m, ACPI_TABLES_GPA, ACPI_TABLES_MAX);
	if (!si || !mod || !mm || !cl || !acpi || !low_ram(m))
		return pvh_err(-ENOSPC, err, errlen, "guest RAM does not cover "
			       "the first megabyte and more; give --memory "
			       "256M or more");
	if (pvh_special_pages(m, out))
		return pvh_err(-EINVAL, err, errlen, "special pages missing "
			       "(pvh_mem_layout not called)");

	memset(si, 0, sizeof(*si));
	si->magic = HVM_START_MAGIC;
	si->version = 1;
	si->flags = 0;		/* an unprivileged domU */

	memcpy(cl, cmdline, clen);
	si->cmdline_paddr = PVH_CMDLINE_GPA;

	if (b->initrd) {
		rc = place_initrd(m, img, b, &out->initrd_gpa, err, errlen);
		if (rc)
			return rc;
		memset(mod, 0, sizeof(*mod));
		mod->paddr = out->initrd_gpa;
		mod->size = b->initrd_len;
		si->nr_modules = 1;	/* module 0 is the initrd */
		si->modlist_paddr = PVH_MODLIST_GPA;
	}

	n = pvh_memmap(m, mm, PVH_MEMMAP_MAX);
	if (n < 0)
		return pvh_err(-ENOSPC, err, errlen, "too many memory regions "
			       "for the PVH memory map");
	si->memmap_paddr = PVH_MEMMAP_GPA;
	si->memmap_entries = n;
	out->memmap_entries = n;

	alen = acpi_build(acpi, ACPI_TABLES_MAX, ACPI_TABLES_GPA,
			  b->vcpus ? b->vcpus : 1);
	if (alen < 0)
		return pvh_err((int)alen, err, errlen, "cannot build ACPI "
			       "tables for %u vCPUs (at most 255)", b->vcpus);
	si->rsdp_paddr = ACPI_TABLES_GPA;
	out->rsdp_gpa = ACPI_TABLES_GPA;
	out->start_info_gpa = PVH_START_INFO_GPA;
	return 0;
}
