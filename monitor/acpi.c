// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI table builder.  Layouts from the ACPI 6.x specification (chapter
 * 5.2); values as libxl builds them for PVH (FADT rev >= 5, MADT of LAPICs
 * only, lapic_addr 0xFEE00000) but hardware-reduced, so Linux sets up no
 * SCI, PIT or legacy PIC.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "monitor/acpi.h"

struct acpi_hdr {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
	char sig[8];
	uint8_t checksum;		/* first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 2: ACPI 2.0+, XSDT valid */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t ext_checksum;		/* whole structure */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_gas {			/* generic address structure */
	uint8_t space_id;		/* 1 = SystemIO */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;		/* 1 = byte */
	uint64_t address;
} __attribute__((packed));

struct acpi_fadt {
	struct acpi_hdr h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t legacy[36];		/* ACPI_ENABLE ... GPE1_BLK: unused */
	uint8_t legacy_len[8];		/* PM1_EVT_LEN ... CST_CNT */
	uint8_t legacy2[13];		/* latencies ... CENTURY */
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_revision;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_legacy[8];	/* X_PM1a_EVT ... X_GPE1 */
	struct acpi_gas sleep_control;
	struct acpi_gas sleep_status;
	uint64_t hypervisor_id;
} __attribute__((packed));

struct acpi_madt_lapic {
	uint8_t type;			/* 0 = processor local APIC */
	uint8_t length;			/* 8 */
	uint8_t uid;			/* = Xen vCPU id (xen-abi.md B.5) */
	uint8_t apic_id;
	uint32_t flags;			/* 1 = enabled */
} __attribute__((packed));

struct acpi_madt {
	struct acpi_hdr h;
	uint32_t lapic_addr;
	uint32_t flags;			/* 0: no dual 8259 (no PCAT_COMPAT) */
	struct acpi_madt_lapic lapic[];
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_hdr) == 36, "acpi header");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "rsdp");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "fadt");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "fadt flags");
_Static_assert(offsetof(struct acpi_fadt, minor_revision) == 131, "fadt");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "fadt x_dsdt");
_Static_assert(offsetof(struct acpi_fadt, sleep_control) == 244, "fadt");
_Static_assert(offsetof(struct acpi_fadt, sleep_status) == 256, "fadt");
_Static_assert(sizeof(struct acpi_fadt) == 276, "fadt rev 6");

#define FADT_HW_REDUCED_ACPI	(1U << 20)
#define FADT_PWR_BUTTON		(1U << 4)	/* no fixed power button */
#define FADT_SLP_BUTTON		(1U << 5)	/* no fixed sleep button */
#define BOOT_ARCH_NO_VGA	(1U << 2)
#define BOOT_ARCH_NO_CMOS_RTC	(1U << 5)

/* DefName(_S5_, Package(4) { 5, 5, 0, 0 }) — checked with iasl */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, ACPI_SLP_TYP_S5, 0x0a, ACPI_SLP_TYP_S5, 0x00, 0x00,
};

uint8_t acpi_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static void hdr_init(struct acpi_hdr *h, const char *sig, uint32_t len,
		     uint8_t rev)
{
	memcpy(h->sig, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "HXEN  ", 6);
	memcpy(h->oem_table_id, "HXENPVH ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "HXEN", 4);
	h->creator_revision = 1;
	h->checksum = 0;
	h->checksum = -acpi_sum(h, len);
}

static void gas_io8(struct acpi_gas *g, uint16_t port)
{
	g->space_id = 1;
	g->bit_width = 8;
	g->bit_offset = 0;
	g->access_size = 1;
	g->address = port;
}

static size_t align16(size_t v)
{
	return (v + 15) & ~(size_t)15;
}

long acpi_build(uint8_t *buf, size_t len, uint64_t gpa, unsigned int vcpus)
{
	size_t o_xsdt = align16(sizeof(struct acpi_rsdp));
	size_t l_xsdt = sizeof(struct acpi_hdr) + 2 * sizeof(uint64_t);
	size_t o_fadt = align16(o_xsdt + l_xsdt);
	size_t o_dsdt = align16(o_fadt + sizeof(struct acpi_fadt));
	size_t l_dsdt = sizeof(struct acpi_hdr) + sizeof(dsdt_aml);
	size_t o_madt = align16(o_dsdt + l_dsdt);
	size_t l_madt = sizeof(struct acpi_madt) +
			vcpus * sizeof(struct acpi_madt_lapic);
	size_t total = o_madt + l_madt;
	struct acpi_rsdp *rsdp = (void *)buf;
	struct acpi_hdr *xsdt = (void *)(buf + o_xsdt);
	struct acpi_fadt *fadt = (void *)(buf + o_fadt);
	struct acpi_hdr *dsdt = (void *)(buf + o_dsdt);
	struct acpi_madt *madt = (void *)(buf + o_madt);
	uint64_t ptrs[2] = { gpa + o_fadt, gpa + o_madt };
	unsigned int i;

	/* UID and APIC ID are 8-bit in type-0 entries */
	if (!vcpus || vcpus > 255)
		return -EINVAL;
	if (total > len || gpa + total > 1ULL << 32)
		return -ENOSPC;
	memset(buf, 0, total);

	memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
	hdr_init(dsdt, "DSDT", l_dsdt, 2);

	fadt->dsdt = gpa + o_dsdt;
	fadt->x_dsdt = gpa + o_dsdt;
	fadt->iapc_boot_arch = BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS_RTC;
	fadt->flags = FADT_HW_REDUCED_ACPI | FADT_PWR_BUTTON | FADT_SLP_BUTTON;
	fadt->minor_revision = 0;
	gas_io8(&fadt->sleep_control, ACPI_SLEEP_CONTROL_PORT);
	gas_io8(&fadt->sleep_status, ACPI_SLEEP_STATUS_PORT);
	memcpy(&fadt->hypervisor_id, "HXEN\0\0\0\0", 8);
	hdr_init(&fadt->h, "FACP", sizeof(*fadt), 6);

	madt->lapic_addr = ACPI_LAPIC_GPA;
	madt->flags = 0;
	for (i = 0; i < vcpus; i++) {
		madt->lapic[i].type = 0;
		madt->lapic[i].length = sizeof(madt->lapic[i]);
		madt->lapic[i].uid = i;
		madt->lapic[i].apic_id = i;
		madt->lapic[i].flags = 1;
	}
	hdr_init(&madt->h, "APIC", l_madt, 4);

	memcpy(xsdt + 1, ptrs, sizeof(ptrs));
	hdr_init(xsdt, "XSDT", l_xsdt, 1);

	memcpy(rsdp->sig, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "HXEN  ", 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = gpa + o_xsdt;
	rsdp->checksum = -acpi_sum(rsdp, 20);
	rsdp->ext_checksum = -acpi_sum(rsdp, sizeof(*rsdp));
	return total;
}

enum acpi_sleep_action acpi_sleep_write(uint16_t port, uint32_t value)
{
	unsigned int typ = (value >> ACPI_SLP_TYP_SHIFT) & 7;

	if (port == ACPI_SLEEP_CONTROL_PORT && (value & ACPI_SLP_EN) &&
	    typ == ACPI_SLP_TYP_S5)
		return ACPI_SLEEP_POWEROFF;
	/* status writes (WAK_STS clear) and other states: nothing to do */
	return ACPI_SLEEP_NONE;
}
