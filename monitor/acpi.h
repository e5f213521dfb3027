/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware-reduced ACPI tables for PVH guests (xen-abi.md B.5): RSDP rev 2
 * -> XSDT -> { FADT rev 6 with HW_REDUCED_ACPI and sleep control/status
 * registers, MADT with one local APIC per vCPU }, and a DSDT holding _S5,
 * so that Linux brings up APs from the MADT and can power itself off.
 */
#ifndef MON_ACPI_H
#define MON_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_TABLES_GPA		0xe0000ULL	/* inside Linux's reserved hole */
#define ACPI_TABLES_MAX		0x20000		/* up to 1 MiB */
#define ACPI_LAPIC_GPA		0xfee00000U

/*
 * Sleep registers (8-bit, SystemIO).  Linux's S5 writes WAK_STS (0x80) to
 * the status port, then SLP_TYP(5) << 2 | SLP_EN (0x20) = 0x34 to the
 * control port [ACPI 6.x 4.8.3.7; Linux acpica hwesleep.c].
 */
#define ACPI_SLEEP_CONTROL_PORT	0x0600
#define ACPI_SLEEP_STATUS_PORT	0x0601
#define ACPI_SLP_TYP_S5		5
#define ACPI_SLP_EN		0x20
#define ACPI_SLP_TYP_SHIFT	2
#define ACPI_WAK_STS		0x80

/*
 * Build the tables for @vcpus processors into @buf (the host view of guest
 * memory at @gpa, @len bytes).  Returns the bytes used (the RSDP is at
 * offset 0) or -ENOSPC/-EINVAL.
 */
long acpi_build(uint8_t *buf, size_t len, uint64_t gpa, unsigned int vcpus);

/* Byte sum of @len bytes (a valid ACPI table sums to 0). */
uint8_t acpi_sum(const void *p, size_t len);

/*
 * What a guest write to a sleep port means: ACPI_SLEEP_NONE, or
 * ACPI_SLEEP_POWEROFF for an S5 request on the control port.
 */
enum acpi_sleep_action { ACPI_SLEEP_NONE, ACPI_SLEEP_POWEROFF };
enum acpi_sleep_action acpi_sleep_write(uint16_t port, uint32_t value);

#endif /* MON_ACPI_H */
