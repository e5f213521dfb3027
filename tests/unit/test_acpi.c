// SPDX-License-Identifier: GPL-2.0
/* ACPI tables: checksums, pointers, MADT contents, _S5 and sleep ports. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "monitor/acpi.h"

#define GPA	0xe0000ULL

static uint8_t buf[ACPI_TABLES_MAX];

static uint8_t *at(uint64_t gpa)
{
	CU_ASSERT_FATAL(gpa >= GPA && gpa < GPA + sizeof(buf));
	return buf + (gpa - GPA);
}

static uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static const uint8_t *check_table(uint64_t gpa, const char *sig)
{
	const uint8_t *t = at(gpa);

	CU_ASSERT(!memcmp(t, sig, 4));
	CU_ASSERT_EQUAL(acpi_sum(t, u32(t + 4)), 0);
	return t;
}

static void check(unsigned int vcpus)
{
	const uint8_t *rsdp = buf, *xsdt, *fadt, *madt, *dsdt;
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08,
				      0x04, 0x0a, 0x05, 0x0a, 0x05, 0, 0 };
	long n = acpi_build(buf, sizeof(buf), GPA, vcpus);
	unsigned int i;

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT(!memcmp(rsdp, "RSD PTR ", 8));
	CU_ASSERT_EQUAL(rsdp[15], 2);
	CU_ASSERT_EQUAL(acpi_sum(rsdp, 20), 0);
	CU_ASSERT_EQUAL(acpi_sum(rsdp, 36), 0);
	CU_ASSERT_EQUAL(u32(rsdp + 20), 36);
	xsdt = check_table(u64(rsdp + 24), "XSDT");
	CU_ASSERT_EQUAL(u32(xsdt + 4), 36 + 16);
	fadt = check_table(u64(xsdt + 36), "FACP");
	madt = check_table(u64(xsdt + 44), "APIC");

	CU_ASSERT(fadt[8] >= 5);				/* revision */
	CU_ASSERT_EQUAL(u32(fadt + 4), 276);
	CU_ASSERT(u32(fadt + 112) & (1U << 20));		/* HW_REDUCED */
	CU_ASSERT_EQUAL(fadt[109] & 0x27, 0x24);	/* NO_VGA|NO_CMOS, 8042 clear */
	CU_ASSERT_EQUAL(u64(fadt + 140), u32(fadt + 40));	/* X_DSDT */
	/* sleep control/status: 8-bit SystemIO at our ports */
	CU_ASSERT_EQUAL(fadt[244], 1);
	CU_ASSERT_EQUAL(fadt[245], 8);
	CU_ASSERT_EQUAL(u64(fadt + 248), ACPI_SLEEP_CONTROL_PORT);
	CU_ASSERT_EQUAL(fadt[256], 1);
	CU_ASSERT_EQUAL(u64(fadt + 260), ACPI_SLEEP_STATUS_PORT);

	dsdt = check_table(u64(fadt + 140), "DSDT");
	CU_ASSERT_EQUAL(u32(dsdt + 4), 36 + sizeof(s5));
	CU_ASSERT(!memcmp(dsdt + 36, s5, sizeof(s5)));

	CU_ASSERT_EQUAL(u32(madt + 4), 44 + 8 * vcpus);
	CU_ASSERT_EQUAL(u32(madt + 36), 0xfee00000);
	for (i = 0; i < vcpus; i++) {
		const uint8_t *e = madt + 44 + 8 * i;

		CU_ASSERT_EQUAL(e[0], 0);
		CU_ASSERT_EQUAL(e[1], 8);
		CU_ASSERT_EQUAL(e[2], i);	/* UID = Xen vCPU id */
		CU_ASSERT_EQUAL(e[3], i);
		CU_ASSERT_EQUAL(u32(e + 4), 1);
	}
	CU_ASSERT((size_t)n >= (size_t)(madt - buf) + 44 + 8 * vcpus);
}

static void test_tables(void)
{
	check(1);
	check(4);
	check(255);
}

static void test_limits(void)
{
	CU_ASSERT_EQUAL(acpi_build(buf, sizeof(buf), GPA, 0), -EINVAL);
	CU_ASSERT_EQUAL(acpi_build(buf, sizeof(buf), GPA, 256), -EINVAL);
	CU_ASSERT_EQUAL(acpi_build(buf, 200, GPA, 1), -ENOSPC);
}

static void test_sleep_ports(void)
{
	/* Linux's S5: WAK_STS to status, then SLP_TYP 5 | SLP_EN */
	CU_ASSERT_EQUAL(acpi_sleep_write(ACPI_SLEEP_STATUS_PORT, 0x80),
			ACPI_SLEEP_NONE);
	CU_ASSERT_EQUAL(acpi_sleep_write(ACPI_SLEEP_CONTROL_PORT, 0x34),
			ACPI_SLEEP_POWEROFF);
	CU_ASSERT_EQUAL(acpi_sleep_write(ACPI_SLEEP_CONTROL_PORT, 0x14),
			ACPI_SLEEP_NONE);		/* no SLP_EN */
	CU_ASSERT_EQUAL(acpi_sleep_write(ACPI_SLEEP_CONTROL_PORT, 0x2c),
			ACPI_SLEEP_NONE);		/* S3 */
}

static const CU_TestInfo acpi_tests[] = {
	{ "tables and checksums", test_tables },
	{ "limits", test_limits },
	{ "sleep ports", test_sleep_ports },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(acpi, acpi_tests);
